/*
 * The OANIX demo agent, a WASI command. It sees only its namespace:
 *
 *   /task/spec.json      its assignment (pattern, policy_url)
 *   /workspace/          a copy-on-write view of the sample project
 *   /cap/http/           the HTTP capability (only the policy host allowed)
 *   /logs/events.jsonl   structured events
 *   /task/result.json    its answer
 *
 * It finds every line with the pattern, asks the policy service which file
 * to fix, fixes the first TODO in that file, and writes a JSON report.
 *
 * Build: sh examples/demo/build.sh
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_HITS 256
#define MAX_TEXT 160

struct hit {
  char file[256];
  int line;
  char text[MAX_TEXT];
};

static struct hit hits[MAX_HITS];
static int nhits;
static int verbose;

/* Reads a whole file; the caller frees. NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len) {
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
  if (len) *len = n;
  return buf;
}

/* Copies the JSON string value of "key" in json into out (no unescaping but \" and \\). */
static int json_string(const char *json, const char *key, char *out, size_t size) {
  char needle[64];
  snprintf(needle, sizeof needle, "\"%s\"", key);
  const char *p = strstr(json, needle);
  if (!p) return 0;
  p = strchr(p + strlen(needle), ':');
  if (!p) return 0;
  while (*++p == ' ') {}
  if (*p != '"') return 0;
  size_t n = 0;
  for (p++; *p && *p != '"' && n + 1 < size; p++) {
    if (*p == '\\' && p[1]) p++;
    out[n++] = *p;
  }
  out[n] = 0;
  return 1;
}

/* Appends one structured event to /logs/events.jsonl. */
static void event(const char *level, const char *message) {
  FILE *f = fopen("/logs/events.jsonl", "a");
  if (!f) return;
  fprintf(f, "{\"level\":\"%s\",\"message\":\"%s\"}\n", level, message);
  fclose(f);
}

static void json_escape(FILE *out, const char *s) {
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
    else if ((unsigned char)*s < 0x20) fprintf(out, "\\u%04x", *s);
    else fputc(*s, out);
  }
}

static void scan_file(const char *path, const char *pattern) {
  char *text = slurp(path, NULL);
  if (!text) return;
  int line = 1;
  for (char *start = text; *start && nhits < MAX_HITS; line++) {
    char *end = strchr(start, '\n');
    if (end) *end = 0;
    if (strstr(start, pattern)) {
      struct hit *h = &hits[nhits++];
      snprintf(h->file, sizeof h->file, "%s", path + strlen("/workspace/"));
      h->line = line;
      while (*start == ' ' || *start == '\t') start++;
      snprintf(h->text, sizeof h->text, "%s", start);
      if (verbose) printf("found %s:%d\n", h->file, line);
    }
    if (!end) break;
    start = end + 1;
  }
  free(text);
}

static void walk(const char *dir, const char *pattern) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) walk(path, pattern);
    else if (S_ISREG(st.st_mode)) scan_file(path, pattern);
  }
  closedir(d);
}

/* GETs url through /cap/http; fills body with the response body. Returns the status. */
static int http_get(const char *url, char *body, size_t size) {
  FILE *req = fopen("/cap/http/request", "w");
  if (!req) return -1;
  fprintf(req, "{\"id\":\"policy\",\"method\":\"GET\",\"url\":\"%s\"}", url);
  if (fclose(req) != 0) return -1;
  /* This read waits (the host suspends us through JSPI) until the executor answers. */
  char *resp = slurp("/cap/http/responses/policy.json", NULL);
  if (!resp) return -1;
  int status = -1;
  char *s = strstr(resp, "\"status\":");
  if (s) status = atoi(s + 9);
  if (!json_string(resp, "body", body, size)) body[0] = 0;
  free(resp);
  return status;
}

/* Replaces the first occurrence of pattern in the file with DONE. */
static int fix_first(const char *file, const char *pattern) {
  char path[512];
  snprintf(path, sizeof path, "/workspace/%s", file);
  size_t len;
  char *text = slurp(path, &len);
  if (!text) return 0;
  char *at = strstr(text, pattern);
  if (!at) {
    free(text);
    return 0;
  }
  FILE *f = fopen(path, "w");
  if (!f) {
    free(text);
    return 0;
  }
  fwrite(text, 1, at - text, f);
  fputs("DONE", f);
  fputs(at + strlen(pattern), f);
  fclose(f);
  free(text);
  return 1;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--verbose") == 0) verbose = 1;

  char *spec = slurp("/task/spec.json", NULL);
  if (!spec) {
    fprintf(stderr, "cannot read /task/spec.json\n");
    return 2;
  }
  char pattern[64] = "TODO", url[256] = "";
  json_string(spec, "pattern", pattern, sizeof pattern);
  json_string(spec, "policy_url", url, sizeof url);
  free(spec);
  event("info", "scan started");

  walk("/workspace", pattern);
  printf("%d lines with %s\n", nhits, pattern);
  event("info", "scan finished");

  char fix[256] = "";
  int status = url[0] ? http_get(url, fix, sizeof fix) : -1;
  printf("policy service answered %d: fix %s\n", status, fix[0] ? fix : "(nothing)");
  int fixed = status == 200 && fix[0] && fix_first(fix, pattern);
  event(fixed ? "info" : "warn", fixed ? "fixed one file" : "no file fixed");

  FILE *out = fopen("/task/result.json", "w");
  if (!out) {
    fprintf(stderr, "cannot write /task/result.json\n");
    return 1;
  }
  fprintf(out, "{\"pattern\":\"");
  json_escape(out, pattern);
  fprintf(out, "\",\"count\":%d,\"policy_status\":%d,\"fixed\":", nhits, status);
  if (fixed) {
    fputc('"', out);
    json_escape(out, fix);
    fputc('"', out);
  } else {
    fputs("null", out);
  }
  fputs(",\"todos\":[", out);
  for (int i = 0; i < nhits; i++) {
    fprintf(out, "%s{\"file\":\"", i ? "," : "");
    json_escape(out, hits[i].file);
    fprintf(out, "\",\"line\":%d,\"text\":\"", hits[i].line);
    json_escape(out, hits[i].text);
    fputs("\"}", out);
  }
  fputs("]}\n", out);
  fclose(out);
  return 0;
}
