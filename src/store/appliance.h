/*
 * appliance.h: GNS3 appliance files (.gns3a, registry versions 1 to 8)
 * read into the template they would make (template.h), and imported:
 * their image files found, checked and imported, and the template made.
 * Every field that cannot be mapped is listed with the reason, and
 * nothing of the file's free text reaches QEMU unparsed.
 */
#ifndef SANDLAB_APPLIANCE_H
#define SANDLAB_APPLIANCE_H

#include <jansson.h>
#include <stddef.h>

#include "util.h"

#define APPLIANCE_REGISTRY_MIN 1
#define APPLIANCE_REGISTRY_MAX 8
#define APPLIANCE_SIZE_MAX     (1u << 20)   /* bytes of an appliance file */

/*
 * Reads the appliance text[0..len) with version (a name of its versions[],
 * or NULL: the first). 0 with *out, a JSON object the caller frees:
 *   name, registry_version, version (or null), versions [names],
 *   template {image, ram_mb, cpus, nics, nic_model, accel, console, usage,
 *             cdrom, kernel, initrd, bios, machine {hw field: value},
 *             ports {format, first, segment, adapters [{adapter, port,
 *             model, mac}], names [a NIC's port name or ""]},
 *             disks [{slot, file, bus}] (hdb to hdd, on the buses their
 *             hdX_disk_interface names, within the buses' limits)}
 *             holding only what the file gives (images by file name),
 *   images {slot: {file, md5sum?, filesize?}} of the chosen version,
 *   mapped [field...], unmapped [{field, value, reason}...], notes [text...].
 * Or -1 with a message: not JSON, not an appliance of registry version 1
 * to 8, not a QEMU appliance, an architecture sandlab does not run (the
 * reason said), or no version of that name (the versions named).
 */
int appliance_read(const char *text, size_t len, const char *version, json_t **out, struct err *e);

/*
 * Imports the appliance o (appliance_read's) whose file is at path: each
 * image file of its version is looked for by name in dir (NULL: none),
 * beside the appliance file, then in the lab's images/; its size and
 * md5sum are checked where the file gives them; it is imported through
 * the image checks as NAME-hda, NAME-cdrom, NAME-kernel, NAME-initrd,
 * NAME-bios (a firmware ROM, kind bios, the template's --bios) and NAME-hdb to NAME-hdd (the template's extra disks, those of its disks
 * only); then the template NAME is made (name NULL: from the appliance's name
 * and version). All or nothing: on failure no image and no template of
 * it are left. 0 with the template's name in tname (64 bytes), or -1 with
 * a message. progress, when not NULL, is told each file as it is taken.
 */
struct lab;
int appliance_import(struct lab *lab, json_t *o, const char *path, const char *dir, const char *name,
    char tname[64], void (*progress)(const char *what, void *arg), void *arg, struct err *e);

#endif
