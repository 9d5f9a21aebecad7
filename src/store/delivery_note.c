/*
 * delivery_note.c (store) — the delivery note's SQL (store/delivery_note.h).
 */
#include "store/delivery_note.h"

#include "core/json.h"

int store_delivery_note_view(struct db *db, struct osb_err *e, const char *number, json_t **out)
{
    *out = NULL;
    json_t *dn = NULL;
    int rc = db_row(db, e, &dn,
                    "SELECT d.number, d.order_no AS \"order\", o.customer,"
                    " cu.name AS customer_name, d.printed_at, d.printed_by,"
                    " u.name AS printed_by_name, d.print_count, d.lines AS \"lines!j\","
                    " d.consignee, d.consignee_phone, d.consignment_station, d.address,"
                    " d.released_at, d.released_by, d.voided AS \"voided!b\", d.remarks"
                    " FROM delivery_notes d JOIN orders o ON o.number = d.order_no"
                    " JOIN customers cu ON cu.code = o.customer"
                    " LEFT JOIN users u ON u.username = d.printed_by WHERE d.number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    json_t *ships = db_rows(db, e, "SELECT number FROM shipments WHERE order_no = ? ORDER BY id",
                            "s", jstr(dn, "order"));
    if (!ships) {
        json_decref(dn);
        return -1;
    }
    json_t *nums = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(ships, i, it) json_array_append(nums, json_object_get(it, "number"));
    json_decref(ships);
    json_object_set_new(dn, "shipments", nums);
    *out = dn;
    return 1;
}

int store_delivery_note_remark(struct db *db, struct osb_err *e, const char *number,
                               const char *text)
{
    if (!number || !*number)
        return 0;
    return db_exec(db, e,
                   "UPDATE delivery_notes SET remarks = CASE WHEN coalesce(remarks, '') = ''"
                   " THEN ?1 ELSE remarks || '\n' || ?1 END WHERE number = ?2",
                   "ss", text, number) < 0
               ? -1
               : 0;
}
