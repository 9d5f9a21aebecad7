/*
 * payment.c — the receipt's state, and no actions (rules/payment.h).
 */
#include "rules/payment.h"

static const char *const states[] = {"registered", NULL};

const struct doc_type payment_doc = {"payments", "payment", states, NULL, 0};
