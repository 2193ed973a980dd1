/*
 * bench/symlinks.c: the file system's own cost of a rehash's links. Makes one symbolic link
 * per regular file of DIR (named as the HASH.0 links are: 8 hex digits, ".0"; here from a
 * counter), and nothing else: the part of `smtls rehash DIR` and `openssl rehash DIR` that
 * is the kernel's, which bench/rehash.sh prints beside them.
 * Usage: symlinks DIR
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct dirent *e;
	unsigned n = 0;
	char name[32];
	DIR *d;
	int fd;

	if (argc != 2 || (d = opendir(argv[1])) == NULL) {
		fprintf(stderr, "usage: symlinks DIR\n");
		return 2;
	}
	fd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_REG)
			continue;
		snprintf(name, sizeof(name), "%08x.0", n++);
		if (symlinkat(e->d_name, fd, name) == -1) {
			perror(name);
			return 1;
		}
	}
	closedir(d);
	return 0;
}
