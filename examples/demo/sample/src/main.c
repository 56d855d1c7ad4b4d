#include <stdio.h>
#include "util.h"

int main(void) {
    // TODO: read the greeting from a config file
    printf("%s\n", greeting());
    return 0;
}
