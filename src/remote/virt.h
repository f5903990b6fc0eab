/*
 * virt.h: the libvirt calls sandlab makes, found once with dlopen (never
 * linked: see remote.c for why). Every caller of libvirt, the host probe
 * (remote.c) and a remote node's keeper (rdom.c), goes through `virt`,
 * whose fields have the types libvirt's own headers give.
 */
#ifndef SANDLAB_VIRT_H
#define SANDLAB_VIRT_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util.h"

#define VIRT_CALLS(X) X(virConnectClose) X(virConnectGetCapabilities) \
	X(virConnectGetLibVersion) X(virConnectGetVersion) X(virConnectOpen) \
	X(virConnectSetKeepAlive) X(virConnectRegisterCloseCallback) \
	X(virConnectDomainEventRegisterAny) X(virConnectDomainEventDeregisterAny) \
	X(virEventRegisterDefaultImpl) X(virEventRunDefaultImpl) X(virEventAddHandle) \
	X(virEventRemoveHandle) X(virGetLastErrorMessage) X(virSetErrorFunc) \
	X(virNodeGetFreeMemory) X(virNodeGetInfo) \
	X(virStoragePoolLookupByName) X(virStoragePoolDefineXML) X(virStoragePoolBuild) \
	X(virStoragePoolCreate) X(virStoragePoolSetAutostart) X(virStoragePoolIsActive) \
	X(virStoragePoolRefresh) X(virStoragePoolFree) \
	X(virStorageVolLookupByName) X(virStorageVolCreateXML) X(virStorageVolGetInfoFlags) \
	X(virStorageVolGetPath) X(virStorageVolUpload) X(virStorageVolDownload) \
	X(virStorageVolDelete) X(virStorageVolFree) \
	X(virStreamNew) X(virStreamSend) X(virStreamRecv) X(virStreamFinish) X(virStreamAbort) \
	X(virStreamFree) X(virStreamEventAddCallback) X(virStreamEventUpdateCallback) \
	X(virStreamEventRemoveCallback) \
	X(virDomainCreateXML) X(virDomainLookupByName) X(virDomainShutdown) X(virDomainDestroy) \
	X(virDomainFree) X(virDomainOpenConsole) X(virDomainResume) \
	X(virDomainUpdateDeviceFlags)
#define VIRT_FIELD(f) __typeof__(&f) f;
struct virt_calls { VIRT_CALLS(VIRT_FIELD) };
#undef VIRT_FIELD

/* Filled by virt_open; all NULL before. */
extern struct virt_calls virt;

/* Opens libvirt (once per process) and finds every call in VIRT_CALLS,
 * and silences libvirt's printing of errors on stderr (callers report
 * virt_error's text instead). 0, or -1 with why. */
int virt_open(struct err *e);

/* e gets "WHAT: libvirt's last error" (sanitised: it came from another
 * host). Returns -1, to be returned. */
int virt_error(struct err *e, const char *what);

/* Registers libvirt's default event loop and runs it in a thread of its
 * own, once per process, before the first connection (the ssh
 * transports register their sockets with it; console streams and events
 * need it). The thread runs until the process ends: libvirt has no way
 * to stop it. 0, or -1 with why. */
int virt_loop_start(struct err *e);

#endif
