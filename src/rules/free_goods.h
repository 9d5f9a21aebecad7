/*
 * free_goods.h — pure rules of order lines paid from expense money (free goods, flows.md §15
 * settle "free goods", QC-5) and of lines priced below the customer's list (flows.md §8).
 */
#ifndef OSB_RULES_FREE_GOODS_H
#define OSB_RULES_FREE_GOODS_H

#include <stdbool.h>
#include <stdint.h>

/* The free-goods amount an expense application offers order lines, or -1 when lines may not
   draw on it: approved (its approved amount) or executed (its actual) while the settlement form
   is free_goods or not decided yet; settled or closed (its actual) only in the free_goods form.
   Any other state (submitted, rejected) or form (reimbursement, customer_credit) offers none. */
int64_t free_goods_amount(const char *state, const char *form, int64_t approved_fen,
                          int64_t actual_fen);

/* QC-5: lines needing need_fen may draw on an application offering amount_fen of which
   drawn_fen is already drawn by other orders. */
bool free_goods_draw_ok(int64_t amount_fen, int64_t drawn_fen, int64_t need_fen);

/* flows.md §8: a price asked below the list price needs a quotation or contract price; it is
   covered by a quoted price quoted_fen when the asked price is not below that. */
bool price_below_list(int64_t asked_fen, int64_t list_fen);
bool price_covered(int64_t asked_fen, int64_t quoted_fen);

#endif
