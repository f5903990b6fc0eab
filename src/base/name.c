/*
 * name.c: checks names of nodes and images. The message quotes the name
 * only through sanitize so a hostile name cannot reach a terminal raw.
 */
#include "name.h"

#include <string.h>

#include "sanitize.h"

static int
name_char_ok(unsigned char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '.' || c == '_' || c == '-');
}

int
name_check(const char *name, const char *what, struct err *e)
{
	size_t len, i;
	char shown[96];

	if (name == NULL || *name == '\0')
		return err_set(e, "%s is empty", what);
	len = strlen(name);
	sanitize_to(name, len > 40 ? 40 : len, shown, sizeof shown);
	if (len > NAME_MAX_LEN)
		return err_set(e, "%s \"%s%s\" is %zu bytes long; at most %d are allowed",
		    what, shown, len > 40 ? "..." : "", len, NAME_MAX_LEN);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (name_char_ok(c, i == 0))
			continue;
		if (i == 0 && (c == '.' || c == '_' || c == '-'))
			return err_set(e, "%s \"%s\" must start with a letter or digit", what, shown);
		if (c == '/')
			return err_set(e, "%s \"%s\" contains '/'; use letters, digits, '.', '_' and '-'", what, shown);
		if (c < 0x20 || c == 0x7f)
			return err_set(e, "%s \"%s\" contains a control character (byte 0x%02x)", what, shown, c);
		if (c >= 0x80)
			return err_set(e, "%s \"%s\" contains a non-ASCII byte (0x%02x); use letters, digits, '.', '_' and '-'", what, shown, c);
		return err_set(e, "%s \"%s\" contains '%c'; use letters, digits, '.', '_' and '-'", what, shown, c);
	}
	return 0;
}
