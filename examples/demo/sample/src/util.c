#include "util.h"

/* TODO: localise the greeting */
const char *greeting(void) { return "hello, world"; }
