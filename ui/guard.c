/*
 * guard.c: checks the dashboard makes before (and while) a form or a
 * question is open, so that a refusal comes at once and in its own words.
 * It reads the model only; the core still decides when the change is made.
 */
#include "guard.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "form-hw.h"
#include "qemuprobe.h"
#include "sanitize.h"

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

void
guard_hw_words(const char *msg, char *buf, size_t len)
{
	size_t o = 0;

	while (*msg && o + 1 < len) {
		int k = -1;
		size_t n = 0;

		if (msg[0] == '-' && msg[1] == '-')
			for (int j = 0; j < HW_NKEYS; j++) {
				size_t l = strlen(hw_fields[j].name);
				if (strncmp(msg + 2, hw_fields[j].name, l) == 0 &&
				    (msg[2 + l] == '\0' || strchr(" \"):,", msg[2 + l])) && l > n)
					k = j, n = l;
			}
		if (k < 0) {
			buf[o++] = *msg++;
			continue;
		}
		msg += 2 + n;
		/* "--kernel IMAGE" asks for one to be picked */
		if (strncmp(msg, " IMAGE", 6) == 0) {
			msg += 6;
			o += (size_t)snprintf(buf + o, len - o, "pick one under %s", form_hw_label(k));
		} else
			o += (size_t)snprintf(buf + o, len - o, "%s", form_hw_label(k));
		if (o >= len)
			o = len - 1;
	}
	buf[o] = '\0';
}

int
guard_hw(enum hw_key k, const char *val, char *buf, size_t len)
{
	struct err e;

	if (hw_check(k, val, &e) == 0)
		return 0;
	guard_hw_words(e.msg, buf, len);
	return 1;
}

int
guard_hw_all(const struct hw *h, char *buf, size_t len)
{
	struct err e;

	if (hw_check_all(h, &e) == 0)
		return 0;
	guard_hw_words(e.msg, buf, len);
	return 1;
}

int
guard_hw_cpu(struct lab *lab, const char *model, const char *arch, char *buf, size_t len)
{
	char shown[96];
	struct err e;

	if (qemuprobe_check_cpu(lab, model, arch, &e) == 0)
		return 0;
	sanitize_to(model, strlen(model), shown, sizeof shown);
	snprintf(buf, len, "%s \"%s\": qemu-system-%s has no such model; auto, host, max or one that "
	    "qemu-system-%s -cpu help lists", form_hw_label(HW_CPU_MODEL), shown, arch, arch);
	return 1;
}

int
guard_nic_model(struct lab *lab, const char *model, const char *arch, char *buf, size_t len)
{
	char shown[96];
	struct err e;

	if (qemuprobe_check_nic(lab, model, arch, "NIC model", &e) == 0)
		return 0;
	sanitize_to(model, strlen(model), shown, sizeof shown);
	snprintf(buf, len, "NIC model \"%s\": qemu-system-%s has no such network device; one that "
	    "qemu-system-%s -device help lists, as e1000 or rtl8139", shown, arch, arch);
	return 1;
}
