/*
 * The quick agent of the example benchmark (a WASI command): it answers
 * fast and cuts corners. For "todos" it looks only at the files at the top
 * of /workspace (not in folders); for "fix" it reports a fix it never made;
 * for "weather" it asks the service through /cap/http, as it should.
 *
 * Build: sh examples/bench/agents/build.sh
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reads a whole file; the caller frees. NULL when it cannot be read. */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0, got;
  char *buf = malloc(cap + 1);
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
  }
  fclose(f);
  buf[n] = 0;
  return buf;
}

/* The value of "key": "value" in json, copied into out. */
static int json_string(const char *json, const char *key, char *out, size_t size) {
  char needle[64];
  snprintf(needle, sizeof needle, "\"%s\"", key);
  const char *p = strstr(json, needle);
  if (!p || !(p = strchr(p + strlen(needle), '"'))) return 0;
  size_t n = 0;
  for (p++; *p && *p != '"' && n + 1 < size; p++) out[n++] = *p;
  out[n] = 0;
  return 1;
}

static int write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  fputs(text, f);
  return fclose(f) == 0;
}

static void todos(void) {
  char result[8192] = "{\"todos\":[";
  int first = 1;
  DIR *d = opendir("/workspace");
  struct dirent *e;
  while (d && (e = readdir(d))) {
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "/workspace/%s", e->d_name);
    if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    char *text = slurp(path);
    int line = 1;
    for (char *p = text; p && *p; line++) {
      char *end = strchr(p, '\n');
      if (end) *end = 0;
      if (strstr(p, "TODO")) {
        char item[300];
        snprintf(item, sizeof item, "%s\"%s:%d\"", first ? "" : ",", e->d_name, line);
        strncat(result, item, sizeof result - strlen(result) - 3);
        first = 0;
      }
      p = end ? end + 1 : NULL;
    }
    free(text);
  }
  if (d) closedir(d);
  strcat(result, "]}");
  write_text("/task/result.json", result);
}

static void weather(const char *spec) {
  char url[256], request[512];
  if (!json_string(spec, "url", url, sizeof url)) return;
  snprintf(request, sizeof request, "{\"id\":\"w\",\"url\":\"%s\"}", url);
  write_text("/cap/http/request", request);
  char *response = slurp("/cap/http/responses/w.json"); /* waits until it is there */
  const char *t = response ? strstr(response, "temperature") : NULL;
  char result[128] = "{\"temperature\":null}";
  if (t) {
    /* The body is a JSON string inside the response: skip to the number. */
    while (*t && (*t < '0' || *t > '9') && *t != '-') t++;
    snprintf(result, sizeof result, "{\"temperature\":%d}", atoi(t));
  }
  write_text("/task/result.json", result);
  free(response);
}

int main(void) {
  char *spec = slurp("/task/spec.json");
  char type[64] = "";
  if (!spec || !json_string(spec, "type", type, sizeof type)) return 1;
  if (strcmp(type, "todos") == 0) todos();
  else if (strcmp(type, "fix") == 0) write_text("/task/result.json", "{\"fixed\":\"src/add.js\"}");
  else if (strcmp(type, "weather") == 0) weather(spec);
  free(spec);
  return 0;
}
