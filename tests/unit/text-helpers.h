/* Shared by the text and CHAP tests: build key lists from "Key=Value" strings. */
#pragma once
#include <stdarg.h>
#include <string.h>
#include "libiscsi-proto/iproto.h"

/* kv("A=1", "B=2", NULL) */
static inline IProtoTextList *kv(const char *first, ...)
{
	IProtoTextList *l = iproto_text_list_new();
	va_list ap;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		const char *eq = strchr(s, '=');
		g_assert_nonnull(eq);
		g_autofree char *k = g_strndup(s, (gsize) (eq - s));
		iproto_text_list_add(l, k, eq + 1);
	}
	va_end(ap);
	return l;
}
