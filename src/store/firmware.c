/*
 * firmware.c: OVMF's files and the per-node NVRAM copies. Only files:
 * which nodes are UEFI is the nodes row's (hw.h, node.c).
 */
#include "firmware.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static const char *
firmware_dir(void)
{
	const char *d = getenv("SANDLAB_OVMF_DIR");

	return d && *d ? d : FIRMWARE_DIR_DEFAULT;
}

int
firmware_files(char **code, char **vars, struct err *e)
{
	const char *names[2] = { FIRMWARE_CODE, FIRMWARE_VARS };
	char **outs[2] = { code, vars };

	for (int i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s", firmware_dir(), names[i]);
		if (access(p, R_OK) != 0) {
			err_set(e, "UEFI needs %s, which is missing: install Debian's ovmf package "
			    "(apt-get install ovmf)", p);
			free(p);
			for (int j = 0; j < i; j++)
				if (outs[j]) {
					free(*outs[j]);
					*outs[j] = NULL;
				}
			return -1;
		}
		if (outs[i])
			*outs[i] = p;
		else
			free(p);
	}
	return 0;
}

char *
firmware_vars_path(const char *overlay)
{
	size_t n = strlen(overlay);

	if (n > 6 && strcmp(overlay + n - 6, ".qcow2") == 0)
		n -= 6;
	return xasprintf("%.*s.vars.fd", (int)n, overlay);
}

int
firmware_vars_make(const char *dst, const char *from, struct err *e)
{
	char *tpl = NULL, *buf, *tmp;
	size_t len;
	int fd, rc = -1;

	if (from == NULL && firmware_files(NULL, &tpl, e) != 0)
		return -1;
	if (config_read_file(from ? from : tpl, FIRMWARE_VARS_MAX, &buf, &len, e) != 0) {
		free(tpl);
		return -1;
	}
	free(tpl);
	tmp = xasprintf("%s.new", dst);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		err_sys(e, "cannot make the UEFI NVRAM file %s", tmp);
	else if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		err_sys(e, "cannot write the UEFI NVRAM file %s", tmp);
		close(fd);
	} else if (close(fd) != 0 || rename(tmp, dst) != 0)
		err_sys(e, "cannot move the UEFI NVRAM file into place as %s", dst);
	else
		rc = 0;
	if (rc != 0 && fd >= 0)
		unlink(tmp);
	free(tmp);
	free(buf);
	return rc;
}

int
firmware_vars_ensure(const char *overlay, struct err *e)
{
	char *p = firmware_vars_path(overlay);
	int rc = 0;

	if (access(p, F_OK) != 0)
		rc = firmware_vars_make(p, NULL, e);
	free(p);
	return rc;
}

void
firmware_vars_rm(const char *overlay)
{
	char *p = firmware_vars_path(overlay);

	if (unlink(p) != 0 && errno != ENOENT)
		fprintf(stderr, "sandlab: cannot remove %s: %s\n", p, strerror(errno));
	free(p);
}
