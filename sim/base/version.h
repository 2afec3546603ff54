/* version.h: the version eosim reports and records in shard files. */
#ifndef EOSIM_VERSION_H
#define EOSIM_VERSION_H

#define EOSIM_VERSION "0.1.0"

#endif
