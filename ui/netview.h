/*
 * netview.h: the lab's network in the dashboard, as two modal windows: the
 * links view (every link, its UDP ports and whether each end runs with
 * it; links are added and removed, pulled and plugged, impaired and
 * captured from here) and the map (nodes grouped
 * by the links that join them, each NIC and what it attaches to). Their
 * keys are rows of the key table (contexts KCTX_LINKS and KCTX_MAP); what
 * they show is read through the core (link.h, net.h) when they open and
 * again whenever the model is reloaded.
 */
#ifndef SANDLAB_UI_NETVIEW_H
#define SANDLAB_UI_NETVIEW_H

struct app;
struct link;

void netview_links_open(struct app *a);
void netview_map_open(struct app *a);

/* KCTX_LINKS or KCTX_MAP while one of them is open, else 0. */
unsigned netview_context(const struct app *a);

/* Moves the links view's selection, or scrolls the map, by d rows. */
void netview_move(struct app *a, int d);

/* The selected link of the open links view, or NULL; borrowed until the
 * view changes. */
const struct link *netview_selected(const struct app *a);

#endif
