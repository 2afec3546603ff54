/* fuzz_shard.c: libFuzzer over `eosim merge`'s input. The bytes are written to a file and
 * read as a shard (header, scenario text, result records), then merged alone and, when
 * they parse, merged with a copy of themselves, which must be refused as a duplicate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/eosim-fuzz-shard.%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct shard s[2];
    memset(s, 0, sizeof s);
    if (shard_read(path, &s[0])) {
        struct batch b;
        memset(&b, 0, sizeof b);
        shard_merge(s, 1, &b);
        batch_fini(&b);
        if (shard_read(path, &s[1])) {
            struct batch twice;
            memset(&twice, 0, sizeof twice);
            if (shard_merge(s, 2, &twice)) /* the same shard twice: never whole */
                abort();
            batch_fini(&twice);
            shard_free(&s[1]);
        }
        shard_free(&s[0]);
    }
    remove(path);
    return 0;
}
