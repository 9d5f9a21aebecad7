/*
 * record.c — shape validation of JSON bodies against field descriptors (record.h).
 */
#include "core/record.h"

#include "core/date.h"
#include "core/money.h"
#include "core/validate.h"

#include <string.h>

const struct field_def *record_field(const struct record_def *d, const char *name)
{
    for (size_t i = 0; i < d->nfields; i++)
        if (strcmp(d->fields[i].name, name) == 0)
            return &d->fields[i];
    return NULL;
}

static const char *kind_word(enum field_kind k)
{
    switch (k) {
    case FK_INT:
    case FK_FEN:
        return "an integer";
    case FK_BOOL:
        return "true or false";
    case FK_JSON:
        return "an array or object";
    default:
        return "a string";
    }
}

/* Checks one present, non-null value; stores the normalised value into clean. */
static int check_value(const struct field_def *f, json_t *v, json_t *clean, struct osb_err *e)
{
    const char *n = f->name;
    switch (f->kind) {
    case FK_INT:
    case FK_FEN: {
        if (!json_is_integer(v))
            return err_bad(e, n, "%s must be %s%s", n, kind_word(f->kind),
                           f->kind == FK_FEN ? " number of fen (no fraction, no exponent)" : "");
        json_int_t x = json_integer_value(v);
        int64_t max = f->max ? f->max : (f->kind == FK_FEN ? MONEY_MAX_FEN : INT64_MAX);
        if (x < f->min) {
            const char *rule = f->range_rule       ? f->range_rule
                               : f->kind == FK_FEN ? "amount_not_positive"
                                                   : "out_of_range";
            return err_invalid(e, n, rule, "%s must be at least %lld", n, (long long)f->min);
        }
        if (x > max) {
            /* A field's range_rule names its low side for money (limit_negative,
               price_negative); money above the cap is amount_too_large whatever the field.
               Quantities likewise: negative_qty and zero_qty name the low side, the high side
               is qty_too_large (numbering-and-rules.md §8). */
            bool qty_rule = f->range_rule && (strcmp(f->range_rule, "negative_qty") == 0 ||
                                              strcmp(f->range_rule, "zero_qty") == 0);
            const char *rule = f->kind == FK_FEN ? "amount_too_large"
                               : qty_rule        ? "qty_too_large"
                               : f->range_rule   ? f->range_rule
                                                 : "out_of_range";
            return err_invalid(e, n, rule, "%s must be at most %lld", n, (long long)max);
        }
        json_object_set_new(clean, n, json_integer(x));
        return 0;
    }
    case FK_BOOL:
        if (!json_is_boolean(v))
            return err_bad(e, n, "%s must be true or false", n);
        json_object_set_new(clean, n, json_boolean(json_is_true(v)));
        return 0;
    case FK_JSON:
        if (!json_is_array(v) && !json_is_object(v))
            return err_bad(e, n, "%s must be an array or object", n);
        json_object_set(clean, n, v);
        return 0;
    default:
        break;
    }
    if (!json_is_string(v))
        return err_bad(e, n, "%s must be %s", n, kind_word(f->kind));
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return err_bad(e, n, "%s contains a NUL character", n);
    switch (f->kind) {
    case FK_CODE:
    case FK_REF:
        if (!valid_code(s))
            return err_invalid(e, n, "invalid_code",
                               "%s must be 1-32 characters of letters, digits, '.', '_' or '-'", n);
        break;
    case FK_TEXT:
    case FK_LONG:
    case FK_PASSWORD: {
        size_t max = f->max ? (size_t)f->max : 200;
        size_t chars = utf8_chars(s);
        if (chars == (size_t)-1)
            return err_bad(e, n, "%s is not valid UTF-8", n);
        if (chars > max)
            return err_invalid(e, n, "too_long", "%s is longer than %zu characters", n, max);
        if (!valid_text(s, max, f->kind == FK_LONG))
            return err_invalid(e, n, "invalid_text", "%s contains control characters", n);
        if ((f->flags & F_REQUIRED) && chars == 0)
            return err_invalid(e, n, "required", "%s must not be empty", n);
        break;
    }
    case FK_DATE: {
        date_t d;
        if (!date_parse(s, &d))
            return err_invalid(e, n, "invalid_date", "%s must be a date YYYY-MM-DD", n);
        break;
    }
    case FK_PERIOD: {
        int y, m;
        if (!period_parse(s, &y, &m))
            return err_invalid(e, n, "invalid_period", "%s must be a month YYYY-MM", n);
        break;
    }
    case FK_ENUM: {
        bool found = false;
        for (const char *const *p = f->enums; p && *p; p++)
            if (strcmp(*p, s) == 0)
                found = true;
        if (!found)
            return err_invalid(e, n, "invalid_value", "%s has an unknown value '%s'", n, s);
        break;
    }
    case FK_PHONE:
        if (*s && !valid_phone(s))
            return err_invalid(e, n, "invalid_phone",
                               "%s allows 5-20 digits, spaces, '+', '-' and parentheses", n);
        break;
    case FK_TAX_ID:
        if (*s && tax_id_check(s) == TAX_ID_BAD)
            return err_invalid(e, n, "invalid_tax_id",
                               "%s must be 15-20 characters of digits and capital letters", n);
        break;
    default:
        break;
    }
    json_object_set(clean, n, v);
    return 0;
}

int record_check(const struct record_def *d, json_t *body, bool create, json_t **clean,
                 struct osb_err *e)
{
    *clean = NULL;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        const struct field_def *f = record_field(d, k);
        if (!f || (f->flags & F_INTERNAL))
            return err_bad(e, k, "unknown field '%s'", k);
        if (!create && (f->flags & (F_KEY | F_FIXED)))
            return err_invalid(e, k, "immutable", "%s cannot be changed", k);
    }
    json_t *out = json_object();
    for (size_t i = 0; i < d->nfields; i++) {
        const struct field_def *f = &d->fields[i];
        if (f->flags & F_INTERNAL)
            continue;
        json_t *val = json_object_get(body, f->name);
        if (!val || json_is_null(val)) {
            if (create && (f->flags & (F_REQUIRED | F_KEY))) {
                json_decref(out);
                return err_invalid(e, f->name, "required", "%s is required", f->name);
            }
            if (val && !create) {
                if (f->flags & F_REQUIRED) {
                    json_decref(out);
                    return err_invalid(e, f->name, "required", "%s cannot be cleared", f->name);
                }
                json_object_set_new(out, f->name, json_null()); /* PATCH: clear */
            }
            continue;
        }
        if (check_value(f, val, out, e) < 0) {
            json_decref(out);
            return -1;
        }
    }
    *clean = out;
    return 0;
}
