/*
 * price_list.c — the price list's states and actions (rules/price_list.h).
 */
#include "rules/price_list.h"

static const char *const states[] = {"draft", "approved", "published", "retired", NULL};

static const struct doc_action actions[] = {
    [PLA_APPROVE] = {"approve", P_PRICE_LIST_APPROVE, DOC_BIT(PLS_DRAFT), PLS_APPROVED, NULL, 0},
    [PLA_PUBLISH] = {"publish", P_PRICE_LIST_PUBLISH, DOC_BIT(PLS_APPROVED), PLS_PUBLISHED, NULL,
                     0},
    [PLA_RETIRE] = {"retire", P_PRICE_LIST_PUBLISH,
                    DOC_BIT(PLS_DRAFT) | DOC_BIT(PLS_APPROVED) | DOC_BIT(PLS_PUBLISHED),
                    PLS_RETIRED, NULL, DOC_ASIDE},
};

const struct doc_type price_list_doc = {"price-lists", "price_list", states, actions,
                                        sizeof actions / sizeof actions[0]};

enum price_overlap price_list_overlap(date_t from, date_t to, date_t ofrom, date_t oto,
                                      date_t *close_to)
{
    if (to < ofrom || oto < from)
        return PO_NONE;
    if (to < oto)
        return PO_REFUSE;
    if (from > ofrom) {
        *close_to = from - 1;
        return PO_CLOSE;
    }
    return PO_RETIRE;
}
