/*
 * masterdata.h — the declared collections of master data (api.md §3.2, entities.md §1–§4).
 */
#ifndef OSB_MASTERDATA_H
#define OSB_MASTERDATA_H

#include "core/record.h"

extern const struct record_def rd_market, rd_region, rd_user, rd_customer, rd_product,
    rd_warehouse;

#endif
