/*
 * schema.h - the store's numbered migrations (internal to store/).
 *
 * Migration i (1-based) takes a store from user_version i-1 to i. Append
 * new migrations; never edit one that has shipped.
 */
#ifndef FIPSEV_SCHEMA_H
#define FIPSEV_SCHEMA_H

extern const char *const store_migrations[];
extern const int store_migrations_count;

#endif
