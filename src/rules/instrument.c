/*
 * instrument.c — the instrument's states and actions (rules/instrument.h).
 */
#include "rules/instrument.h"

static const char *const states[] = {"in_hand", "handed_over", "registered", "returned", NULL};

static const struct doc_action actions[] = {
    /* the register row: whoever may register hands over what they received */
    [PJA_HAND_OVER] = {"hand-over", P_INSTRUMENT_REGISTER, DOC_BIT(PJS_IN_HAND), PJS_HANDED_OVER,
                       NULL, 0},
    [PJA_SIGN] = {"sign", P_INSTRUMENT_SIGN, DOC_BIT(PJS_IN_HAND) | DOC_BIT(PJS_HANDED_OVER),
                  PJS_REGISTERED, NULL, 0},
};

const struct doc_type instrument_doc = {"instruments", "instrument", states, actions,
                                        sizeof actions / sizeof actions[0]};
