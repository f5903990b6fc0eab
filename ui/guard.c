/*
 * guard.c: checks the dashboard makes before (and while) a form or a
 * question is open, so that a refusal comes at once and in its own words.
 * It reads the model only; the core still decides when the change is made.
 */
#include "guard.h"

#include <stdio.h>
#include <strings.h>

int
guard_live(const struct model_node *mn)
{
	return mn->run.state == RUN_RUNNING || mn->run.state == RUN_STARTING ||
	    mn->run.state == RUN_STOPPING;
}

int
guard_stopped(const struct model_node *mn, const char *then, char *buf, size_t len)
{
	if (!guard_live(mn))
		return 0;
	snprintf(buf, len, "%s is %s: stop it first (S), then %s", mn->n.name,
	    run_state_name(mn->run.state), then);
	return 1;
}

int
guard_image_name(const struct model *m, const char *name, char *buf, size_t len)
{
	for (size_t i = 0; i < m->nimages; i++)
		if (strcasecmp(m->images[i].name, name) == 0) {
			snprintf(buf, len, "an image named %s exists already: type another name",
			    m->images[i].name);
			return 1;
		}
	return 0;
}
