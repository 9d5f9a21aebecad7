/*
 * field.h (flow) — the field-sales documents of api.md §5.7 for the HTTP layer: one include
 * for the handlers of http/field.c.
 */
#ifndef OSB_FLOW_FIELD_H
#define OSB_FLOW_FIELD_H

#include "flow/after_sales.h"
#include "flow/forecast.h"
#include "flow/quotation.h"
#include "flow/visit.h"

#endif
