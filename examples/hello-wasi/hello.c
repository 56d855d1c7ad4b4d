// hello-wasi: a C port of the OANIX seed's hello-wasi example.
//
// It prints its arguments and environment, reads /workspace/hello.txt,
// lists /workspace, writes /tmp/output.txt and creates
// /tmp/test-dir/nested.txt, all through the namespace it is given.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("Hello from WASI!\n\n");

  printf("Arguments (%d):\n", argc);
  for (int i = 0; i < argc; i++) printf("  [%d] %s\n", i, argv[i]);

  printf("\nEnvironment:\n");
  for (char **e = environ; *e != NULL; e++) printf("  %s\n", *e);

  printf("\nReading /workspace/hello.txt:\n");
  FILE *in = fopen("/workspace/hello.txt", "r");
  if (in == NULL) {
    printf("  error: %s\n", strerror(errno));
  } else {
    char line[256];
    while (fgets(line, sizeof line, in) != NULL) printf("  %s", line);
    fclose(in);
    printf("\n");
  }

  printf("\nListing /workspace:\n");
  DIR *dir = opendir("/workspace");
  if (dir == NULL) {
    printf("  error: %s\n", strerror(errno));
  } else {
    struct dirent *ent;
    while ((ent = readdir(dir)) != NULL) {
      if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
      printf("  %s%s\n", ent->d_name, ent->d_type == DT_DIR ? "/" : "");
    }
    closedir(dir);
  }

  printf("\nWriting /tmp/output.txt\n");
  FILE *out = fopen("/tmp/output.txt", "w");
  if (out == NULL) {
    printf("  error: %s\n", strerror(errno));
    return 1;
  }
  fprintf(out, "Written by hello-wasi with %d argument(s)\n", argc);
  fclose(out);

  printf("Creating /tmp/test-dir/nested.txt\n");
  if (mkdir("/tmp/test-dir", 0755) != 0 && errno != EEXIST) {
    printf("  error: %s\n", strerror(errno));
    return 1;
  }
  FILE *nested = fopen("/tmp/test-dir/nested.txt", "w");
  if (nested == NULL) {
    printf("  error: %s\n", strerror(errno));
    return 1;
  }
  fputs("nested file\n", nested);
  fclose(nested);

  printf("\nDone!\n");
  return 0;
}
