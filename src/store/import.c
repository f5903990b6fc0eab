/*
 * import.c: tells an OVA from a disk image and hands each to its module.
 * Nothing is checked here: ova.c and image.c do all of it.
 */
#include "import.h"

#include "ova.h"

int
import_any(struct lab *lab, const char *path, const struct image_import_opts *o,
    struct image *out, struct err *e)
{
	if (ova_is(path))
		return ova_import(lab, path, o, out, e);
	return image_import(lab, path, o, out, e);
}
