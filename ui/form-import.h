/*
 * form-import.h: the "Import a disk image" dialog. The import runs as a
 * job (job.h), so consoles stay live; Esc cancels it.
 */
#ifndef SANDLAB_UI_FORM_IMPORT_H
#define SANDLAB_UI_FORM_IMPORT_H

struct app;

/* Import a disk image (path with Tab completion, optional name). */
void form_import_open(struct app *a);

#endif
