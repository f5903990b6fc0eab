/*
 * uistate.h: what the dashboard keeps in the lab between runs: the set of
 * consoles that were open (LAB/ui-state, replaced atomically), and the
 * dashboard lock (run/dashboard.lock, flock) that tells a second dashboard
 * on the same lab that it is not alone.
 */
#ifndef SANDLAB_UISTATE_H
#define SANDLAB_UISTATE_H

#include <stddef.h>

#include "lab.h"

#define UISTATE_MAX_CONSOLES 64

/* The dashboard lock's file name in the lab's run folder. */
#define UISTATE_LOCK_FILE "dashboard.lock"

struct uistate {
	char   consoles[UISTATE_MAX_CONSOLES][37];  /* node ids, in tile order */
	size_t n;
	int    zoom;                                /* index into consoles, or -1 */
};

/* Takes the lab's dashboard lock. Returns an fd (keep it open for the
 * dashboard's life) when no other dashboard runs; -1 with *other_pid set
 * (0 when unknown) when another holds it; -2 with a message on error. */
int uistate_lock(struct lab *lab, int *other_pid, struct err *e);

/* Parses ui-state text (any bytes); unknown or bad lines are skipped, so
 * a damaged file costs at most the layout. Pure. */
void uistate_parse(const char *text, size_t len, struct uistate *out);

/* Reads LAB/ui-state; a missing file gives an empty state. */
int uistate_load(struct lab *lab, struct uistate *out, struct err *e);

/* Writes LAB/ui-state through a temporary file and rename. */
int uistate_save(struct lab *lab, const struct uistate *s, struct err *e);

#endif
