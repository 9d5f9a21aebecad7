/*
 * price_list.h (store) — the price list aggregate (JG): the price_lists row and its items,
 * and the one query orders need: the price of SKUs on a customer's published list on a day.
 * All of the price list's SQL is here; flow/price_list.c decides.
 */
#ifndef OSB_STORE_PRICE_LIST_H
#define OSB_STORE_PRICE_LIST_H

#include "core/docno.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct price_item {
    int line_no;
    char sku[40];
    int64_t price_fen;
};

struct price_list {
    char number[DOCNO_MAX], code[40], name[256], state[16];
    char valid_from[12], valid_to[12]; /* valid_to "" when open */
    char approved_by[40], published_by[40], retired_by[40], superseded_by[DOCNO_MAX];
    char created_by[40];
    int64_t approved_at, published_at, retired_at; /* 0 when not yet */
    int64_t version, created_at, updated_at;
    struct price_item *items; /* owned */
    size_t nitems;
    /* What an action changed, for save. */
    bool approved_changed, published_changed, retired_changed, valid_to_changed;
};

/* 1 found, 0 none, -1 error. */
int store_price_list_load(struct db *db, struct osb_err *e, const char *number,
                          struct price_list *p);
void store_price_list_release(struct price_list *p);
/* Inserts a new list (number, fields, created_*) in state draft, version 1, and its items. */
int store_price_list_insert(struct db *db, struct osb_err *e, const struct price_list *p);
/* Writes one action at once: state, version + 1, updated_at and what changed. */
int store_price_list_save(struct db *db, struct osb_err *e, struct price_list *p, const char *state,
                          int64_t now);
/* The numbers of the published lists of code other than number, as a new array. */
json_t *store_price_list_published(struct db *db, struct osb_err *e, const char *code,
                                   const char *number);

struct price_list_filter {
    const char *code, *state, *cursor;
    const char *customer; /* the versions of the code the customer names (STD when none) */
    int limit;
    const char *q; /* number, code, name or an item's SKU (api.md §5.1) */
};
/* One page of list numbers, newest first: *numbers (new array), *next (new string or NULL). */
int store_price_list_list(struct db *db, struct osb_err *e, const struct price_list_filter *f,
                          json_t **numbers, char **next);

/* The prices of skus[0..n) on the list the customer's price_list names (STD when it names
   none, entities.md §2.1), published and valid on day (YYYY-MM-DD): found[i] and price[i] per
   SKU; list_no gets that list's number ("" when no version of the code covers the day). */
int store_price_list_prices(struct db *db, struct osb_err *e, const char *customer, const char *day,
                            const char *const *skus, size_t n, int64_t *price, bool *found,
                            char list_no[DOCNO_MAX]);

#endif
