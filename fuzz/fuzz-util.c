/* fuzz-util.c: the scratch file and text copies of fuzz inputs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "smtls/xmalloc.h"

char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *t = xmalloc(size + 1);

	memcpy(t, data, size);
	t[size] = '\0';
	return t;
}

/*
 * The scratch file is a memfd, named by its /proc/self/fd path: a regular file that the
 * loaders open and read like any other, without a disk (a file system would flush it).
 */
const char *
fuzz_file(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;

	if (fd == -1) {
		if ((fd = memfd_create("smtls-fuzz", MFD_CLOEXEC)) == -1)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1)
		abort();
	if (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return path;
}
