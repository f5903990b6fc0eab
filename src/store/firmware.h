/*
 * firmware.h: a node's UEFI firmware, from Debian's ovmf package. The
 * code file is shared and read-only; each UEFI node has its own copy of
 * the VARS file (its NVRAM: boot entries, settings) beside its overlay,
 * named after it, so it goes where the overlay goes: a reset gives a
 * fresh one, node rm removes it, clone --disk copies it. The folder is
 * /usr/share/OVMF unless $SANDLAB_OVMF_DIR names another (tests).
 */
#ifndef SANDLAB_FIRMWARE_H
#define SANDLAB_FIRMWARE_H

#include "util.h"

#define FIRMWARE_DIR_DEFAULT "/usr/share/OVMF"
/* The 4 MiB build without Secure Boot: it runs on q35 and on pc
 * (i440fx) alike, and boots any EFI loader, signed or not. */
#define FIRMWARE_CODE "OVMF_CODE_4M.fd"
#define FIRMWARE_VARS "OVMF_VARS_4M.fd"
#define FIRMWARE_VARS_MAX (16u << 20)

/* The paths of the code file and the VARS template (either pointer may
 * be NULL; caller frees what it gets): 0 when both are readable files,
 * else -1 with a message naming the ovmf package. */
int firmware_files(char **code, char **vars, struct err *e);

/* The NVRAM file of the node whose overlay is at overlay (absolute):
 * "X.qcow2" gives "X.vars.fd". Caller frees. */
char *firmware_vars_path(const char *overlay);

/* Writes dst (0600) as a copy of from, or of the VARS template when from
 * is NULL, through a temporary file and a rename, so dst is whole or
 * absent. 0, or -1 with a message and dst as it was. */
int firmware_vars_make(const char *dst, const char *from, struct err *e);

/* Makes the node's NVRAM file from the template when it has none. 0, or
 * -1 with a message. */
int firmware_vars_ensure(const char *overlay, struct err *e);

/* Removes the NVRAM file of the overlay, if any; best effort. */
void firmware_vars_rm(const char *overlay);

#endif
