/* A main() for fuzz targets in builds without libFuzzer: it feeds every file
 * of the target's seed corpus (and any files named on the command line) to
 * LLVMFuzzerTestOneInput once, so each target also runs as a regression test
 * under the normal and the sanitizer build.  Output is TAP. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("# cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || st.st_size > (1 << 24)) {
		fclose(f);
		printf("# cannot size %s\n", path);
		return -1;
	}
	size_t n = (size_t) st.st_size;
	/* An exact-size heap copy lets ASan catch reads past the end. */
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != n) {
		free(buf);
		fclose(f);
		printf("# cannot read %s\n", path);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int count = 0, errors = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue; /* --tap and friends from the test driver */
		errors += run_file(argv[i]) != 0;
		count++;
	}
	const char *root = getenv("FUZZ_CORPUS_DIR");
	if (count == 0 && root) {
		char *self = strdup(argv[0]);
		char *name = basename(self);
		char dir[4096];
		/* libtool wrappers run the real binary as lt-NAME */
		if (strncmp(name, "lt-", 3) == 0)
			name += 3;
		snprintf(dir, sizeof dir, "%s/%s", root, name);
		DIR *d = opendir(dir);
		if (!d) {
			printf("1..1\nnot ok 1 - no seed corpus at %s\n", dir);
			free(self);
			return 1;
		}
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char path[8192];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			errors += run_file(path) != 0;
			count++;
		}
		closedir(d);
		free(self);
	}
	printf("1..1\n%s 1 - replayed %d inputs\n", errors || count == 0 ? "not ok" : "ok", count);
	return errors || count == 0;
}
