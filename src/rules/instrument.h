/*
 * instrument.h — the instrument in hand (票据, PJ; flows.md §4.4, entities.md §7.5) as a
 * document table: registered in_hand → hand-over (the one who received it) → handed_over →
 * sign (finance, 签收; also straight from in_hand) → registered. `returned` is a state no
 * action reaches yet (an instrument given back). Pure.
 */
#ifndef OSB_RULES_INSTRUMENT_H
#define OSB_RULES_INSTRUMENT_H

#include "rules/doc.h"

enum instrument_state { PJS_IN_HAND, PJS_HANDED_OVER, PJS_REGISTERED, PJS_RETURNED };
enum instrument_action { PJA_HAND_OVER, PJA_SIGN };

extern const struct doc_type instrument_doc;

#endif
