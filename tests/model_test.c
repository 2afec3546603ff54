/* model_test.c */
#include "test.h"

const struct test model_tests[] = {
    { NULL, NULL },
};
