/* parser_test.c */
#include "test.h"

const struct test parser_tests[] = {
    { NULL, NULL },
};
