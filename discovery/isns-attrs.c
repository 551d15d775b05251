/* The iSNS attribute table, RFC 4171 sec. 6.1 (tags, types, owners). */
#include "config.h"
#include <string.h>
#include "discovery/isns-attrs.h"
#include "discovery/isns-addr.h"
#include "discovery/isns-error.h"
#include "libiscsi-proto/iproto-bytes.h"

#define K IDISC_ATTR_F_KEY
#define RO IDISC_ATTR_F_READONLY
#define M IDISC_ATTR_F_MEMBER
/* iSCSI names are at most 223 bytes (RFC 3720 sec. 3.2.6.1); sec. 6.1 gives
 * the other string bounds (entity id 4-256, symbolic names 4-256). */
#define NAME_MAX_LEN 224
#define STR_MAX_LEN 256

static const IDiscAttrInfo attrs[] = {
	{ IDISC_TAG_DELIMITER,        "delimiter",         IDISC_ATTR_OPAQUE, IDISC_OBJ_NONE,   0, 0 },
	{ IDISC_TAG_ENTITY_ID,        "entity-id",         IDISC_ATTR_STRING, IDISC_OBJ_ENTITY, K, STR_MAX_LEN },
	{ IDISC_TAG_ENTITY_PROTOCOL,  "entity-protocol",   IDISC_ATTR_U32,    IDISC_OBJ_ENTITY, 0, 4 },
	{ IDISC_TAG_MGMT_IP,          "mgmt-ip",           IDISC_ATTR_ADDR,   IDISC_OBJ_ENTITY, 0, 16 },
	{ IDISC_TAG_TIMESTAMP,        "timestamp",         IDISC_ATTR_U64,    IDISC_OBJ_ENTITY, RO, 8 },
	{ IDISC_TAG_PROTOCOL_VERSION, "protocol-version",  IDISC_ATTR_U32,    IDISC_OBJ_ENTITY, 0, 4 },
	{ IDISC_TAG_REG_PERIOD,       "registration-period", IDISC_ATTR_U32,  IDISC_OBJ_ENTITY, 0, 4 },
	{ IDISC_TAG_ENTITY_INDEX,     "entity-index",      IDISC_ATTR_U32,    IDISC_OBJ_ENTITY, RO, 4 },
	{ IDISC_TAG_ENTITY_NEXT_INDEX, "entity-next-index", IDISC_ATTR_U32,   IDISC_OBJ_ENTITY, RO, 4 },
	{ IDISC_TAG_ENTITY_ISAKMP,    "entity-isakmp-phase1", IDISC_ATTR_OPAQUE, IDISC_OBJ_ENTITY, 0, 4096 },
	{ IDISC_TAG_ENTITY_CERT,      "entity-certificate", IDISC_ATTR_OPAQUE, IDISC_OBJ_ENTITY, 0, 8192 },
	{ IDISC_TAG_PORTAL_IP,        "portal-ip",         IDISC_ATTR_ADDR,   IDISC_OBJ_PORTAL, K, 16 },
	{ IDISC_TAG_PORTAL_PORT,      "portal-port",       IDISC_ATTR_PORT,   IDISC_OBJ_PORTAL, K, 4 },
	{ IDISC_TAG_PORTAL_SYM_NAME,  "portal-name",       IDISC_ATTR_STRING, IDISC_OBJ_PORTAL, 0, STR_MAX_LEN },
	{ IDISC_TAG_ESI_INTERVAL,     "esi-interval",      IDISC_ATTR_U32,    IDISC_OBJ_PORTAL, 0, 4 },
	{ IDISC_TAG_ESI_PORT,         "esi-port",          IDISC_ATTR_PORT,   IDISC_OBJ_PORTAL, 0, 4 },
	{ IDISC_TAG_PORTAL_INDEX,     "portal-index",      IDISC_ATTR_U32,    IDISC_OBJ_PORTAL, RO, 4 },
	{ IDISC_TAG_SCN_PORT,         "scn-port",          IDISC_ATTR_PORT,   IDISC_OBJ_PORTAL, 0, 4 },
	{ IDISC_TAG_PORTAL_NEXT_INDEX, "portal-next-index", IDISC_ATTR_U32,   IDISC_OBJ_PORTAL, RO, 4 },
	{ IDISC_TAG_PORTAL_SEC_BITMAP, "portal-security-bitmap", IDISC_ATTR_U32, IDISC_OBJ_PORTAL, 0, 4 },
	{ IDISC_TAG_PORTAL_ISAKMP1,   "portal-isakmp-phase1", IDISC_ATTR_OPAQUE, IDISC_OBJ_PORTAL, 0, 4096 },
	{ IDISC_TAG_PORTAL_ISAKMP2,   "portal-isakmp-phase2", IDISC_ATTR_OPAQUE, IDISC_OBJ_PORTAL, 0, 4096 },
	{ IDISC_TAG_PORTAL_CERT,      "portal-certificate", IDISC_ATTR_OPAQUE, IDISC_OBJ_PORTAL, 0, 8192 },
	{ IDISC_TAG_ISCSI_NAME,       "iscsi-name",        IDISC_ATTR_STRING, IDISC_OBJ_NODE,   K, NAME_MAX_LEN },
	{ IDISC_TAG_NODE_TYPE,        "node-type",         IDISC_ATTR_U32,    IDISC_OBJ_NODE,   0, 4 },
	{ IDISC_TAG_ALIAS,            "alias",             IDISC_ATTR_STRING, IDISC_OBJ_NODE,   0, STR_MAX_LEN },
	{ IDISC_TAG_SCN_BITMAP,       "scn-bitmap",        IDISC_ATTR_U32,    IDISC_OBJ_NODE,   0, 4 },
	{ IDISC_TAG_NODE_INDEX,       "node-index",        IDISC_ATTR_U32,    IDISC_OBJ_NODE,   RO, 4 },
	{ IDISC_TAG_WWNN_TOKEN,       "wwnn-token",        IDISC_ATTR_U64,    IDISC_OBJ_NODE,   0, 8 },
	{ IDISC_TAG_NODE_NEXT_INDEX,  "node-next-index",   IDISC_ATTR_U32,    IDISC_OBJ_NODE,   RO, 4 },
	{ IDISC_TAG_AUTH_METHOD,      "auth-method",       IDISC_ATTR_STRING, IDISC_OBJ_NODE,   0, STR_MAX_LEN },
	{ IDISC_TAG_PG_ISCSI_NAME,    "pg-iscsi-name",     IDISC_ATTR_STRING, IDISC_OBJ_PG,     K, NAME_MAX_LEN },
	{ IDISC_TAG_PG_PORTAL_IP,     "pg-portal-ip",      IDISC_ATTR_ADDR,   IDISC_OBJ_PG,     K, 16 },
	{ IDISC_TAG_PG_PORTAL_PORT,   "pg-portal-port",    IDISC_ATTR_PORT,   IDISC_OBJ_PG,     K, 4 },
	{ IDISC_TAG_PG_TAG,           "pg-tag",            IDISC_ATTR_U32,    IDISC_OBJ_PG,     0, 4 },
	{ IDISC_TAG_PG_INDEX,         "pg-index",          IDISC_ATTR_U32,    IDISC_OBJ_PG,     RO, 4 },
	{ IDISC_TAG_PG_NEXT_INDEX,    "pg-next-index",     IDISC_ATTR_U32,    IDISC_OBJ_PG,     RO, 4 },
	{ IDISC_TAG_FC_PORT_WWPN,     "fc-port-wwpn",      IDISC_ATTR_U64,    IDISC_OBJ_FC,     K, 8 },
	{ IDISC_TAG_FC_NODE_WWNN,     "fc-node-wwnn",      IDISC_ATTR_U64,    IDISC_OBJ_FC,     K, 8 },
	{ IDISC_TAG_DDS_ID,           "dds-id",            IDISC_ATTR_U32,    IDISC_OBJ_DDS,    K, 4 },
	{ IDISC_TAG_DDS_SYM_NAME,     "dds-name",          IDISC_ATTR_STRING, IDISC_OBJ_DDS,    0, STR_MAX_LEN },
	{ IDISC_TAG_DDS_STATUS,       "dds-status",        IDISC_ATTR_U32,    IDISC_OBJ_DDS,    0, 4 },
	{ IDISC_TAG_DDS_NEXT_ID,      "dds-next-id",       IDISC_ATTR_U32,    IDISC_OBJ_DDS,    RO, 4 },
	{ IDISC_TAG_DD_ID,            "dd-id",             IDISC_ATTR_U32,    IDISC_OBJ_DD,     K, 4 },
	{ IDISC_TAG_DD_SYM_NAME,      "dd-name",           IDISC_ATTR_STRING, IDISC_OBJ_DD,     0, STR_MAX_LEN },
	{ IDISC_TAG_DD_MEMBER_INDEX,  "dd-member-index",   IDISC_ATTR_U32,    IDISC_OBJ_DD,     M, 4 },
	{ IDISC_TAG_DD_MEMBER_NAME,   "dd-member-name",    IDISC_ATTR_STRING, IDISC_OBJ_DD,     M, NAME_MAX_LEN },
	{ IDISC_TAG_DD_MEMBER_FC_WWPN, "dd-member-fc-wwpn", IDISC_ATTR_U64,   IDISC_OBJ_DD,     M, 8 },
	{ IDISC_TAG_DD_MEMBER_PORTAL_INDEX, "dd-member-portal-index", IDISC_ATTR_U32, IDISC_OBJ_DD, M, 4 },
	{ IDISC_TAG_DD_MEMBER_PORTAL_IP, "dd-member-portal-ip", IDISC_ATTR_ADDR, IDISC_OBJ_DD,   M, 16 },
	{ IDISC_TAG_DD_MEMBER_PORTAL_PORT, "dd-member-portal-port", IDISC_ATTR_PORT, IDISC_OBJ_DD, M, 4 },
	{ IDISC_TAG_DD_FEATURES,      "dd-features",       IDISC_ATTR_U32,    IDISC_OBJ_DD,     0, 4 },
	{ IDISC_TAG_DD_NEXT_ID,       "dd-next-id",        IDISC_ATTR_U32,    IDISC_OBJ_DD,     RO, 4 },
};

#undef K
#undef RO
#undef M

static const IDiscObjectInfo objects[IDISC_OBJ_COUNT] = {
	[IDISC_OBJ_NONE]   = { IDISC_OBJ_NONE, "none", { 0 }, 0, 0, 0 },
	[IDISC_OBJ_ENTITY] = { IDISC_OBJ_ENTITY, "entity", { IDISC_TAG_ENTITY_ID }, 1,
			       IDISC_TAG_ENTITY_INDEX, IDISC_TAG_ENTITY_NEXT_INDEX },
	[IDISC_OBJ_PORTAL] = { IDISC_OBJ_PORTAL, "portal", { IDISC_TAG_PORTAL_IP, IDISC_TAG_PORTAL_PORT }, 2,
			       IDISC_TAG_PORTAL_INDEX, IDISC_TAG_PORTAL_NEXT_INDEX },
	[IDISC_OBJ_NODE]   = { IDISC_OBJ_NODE, "node", { IDISC_TAG_ISCSI_NAME }, 1,
			       IDISC_TAG_NODE_INDEX, IDISC_TAG_NODE_NEXT_INDEX },
	[IDISC_OBJ_PG]     = { IDISC_OBJ_PG, "portal-group",
			       { IDISC_TAG_PG_ISCSI_NAME, IDISC_TAG_PG_PORTAL_IP, IDISC_TAG_PG_PORTAL_PORT }, 3,
			       IDISC_TAG_PG_INDEX, IDISC_TAG_PG_NEXT_INDEX },
	[IDISC_OBJ_DD]     = { IDISC_OBJ_DD, "dd", { IDISC_TAG_DD_ID }, 1, 0, IDISC_TAG_DD_NEXT_ID },
	[IDISC_OBJ_DDS]    = { IDISC_OBJ_DDS, "dds", { IDISC_TAG_DDS_ID }, 1, 0, IDISC_TAG_DDS_NEXT_ID },
	[IDISC_OBJ_FC]     = { IDISC_OBJ_FC, "fc", { IDISC_TAG_FC_PORT_WWPN }, 1, 0, 0 },
};

const IDiscAttrInfo *idisc_attr_table(gsize *n)
{
	*n = G_N_ELEMENTS(attrs);
	return attrs;
}

const IDiscAttrInfo *idisc_attr_lookup(guint32 tag)
{
	/* The table is sorted by tag: binary search. */
	gsize lo = 0, hi = G_N_ELEMENTS(attrs);
	while (lo < hi) {
		gsize mid = (lo + hi) / 2;
		if (attrs[mid].tag == tag)
			return &attrs[mid];
		if (attrs[mid].tag < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const IDiscAttrInfo *idisc_attr_lookup_name(const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(attrs); i++)
		if (strcmp(attrs[i].name, name) == 0)
			return &attrs[i];
	return NULL;
}

const IDiscObjectInfo *idisc_object_info(IDiscObjectType type)
{
	g_return_val_if_fail(type < IDISC_OBJ_COUNT, &objects[IDISC_OBJ_NONE]);
	return &objects[type];
}

gboolean idisc_attr_value_ok(const IDiscAttrInfo *info, const guint8 *value, guint32 len)
{
	if (len == 0)
		return TRUE;
	if (len > info->max_len && info->type != IDISC_ATTR_STRING)
		return FALSE;
	switch (info->type) {
	case IDISC_ATTR_STRING:
		/* Sec. 5.3/6.1: NUL-terminated, padded to 4; the string itself
		 * must be non-empty, bounded and valid UTF-8. */
		if (len > ((info->max_len + 4) & ~3u))
			return FALSE;
		{
			const guint8 *nul = memchr(value, 0, len);
			if (!nul || nul == value)
				return FALSE;
			gsize slen = (gsize) (nul - value);
			if (slen > info->max_len || len - slen > 4)
				return FALSE;
			for (gsize i = slen; i < len; i++)
				if (value[i] != 0)
					return FALSE;
			return g_utf8_validate((const char *) value, (gssize) slen, NULL);
		}
	case IDISC_ATTR_U32:
	case IDISC_ATTR_PORT:
		return len == 4;
	case IDISC_ATTR_U64:
		return len == 8;
	case IDISC_ATTR_ADDR:
		return len == 16;
	case IDISC_ATTR_OPAQUE:
		return TRUE;
	}
	return FALSE;
}

char *idisc_attr_format(guint32 tag, const guint8 *value, guint32 len)
{
	const IDiscAttrInfo *info = idisc_attr_lookup(tag);
	if (len == 0)
		return g_strdup("");
	if (!info || !idisc_attr_value_ok(info, value, len)) {
		GString *s = g_string_new("0x");
		for (guint32 i = 0; i < len && i < 64; i++)
			g_string_append_printf(s, "%02x", value[i]);
		if (len > 64)
			g_string_append(s, "...");
		return g_string_free(s, FALSE);
	}
	switch (info->type) {
	case IDISC_ATTR_STRING:
		return g_strdup((const char *) value);
	case IDISC_ATTR_U32:
		return g_strdup_printf("%u", iproto_get_be32(value));
	case IDISC_ATTR_U64:
		return g_strdup_printf("%" G_GUINT64_FORMAT, iproto_get_be64(value));
	case IDISC_ATTR_ADDR:
		return idisc_addr_format(value);
	case IDISC_ATTR_PORT: {
		guint32 v = iproto_get_be32(value);
		return g_strdup_printf("%u/%s", v & 0xffff, (v & IDISC_PORT_UDP) ? "udp" : "tcp");
	}
	case IDISC_ATTR_OPAQUE: {
		GString *s = g_string_new("0x");
		for (guint32 i = 0; i < len; i++)
			g_string_append_printf(s, "%02x", value[i]);
		return g_string_free(s, FALSE);
	}
	}
	return g_strdup("?");
}

static gboolean parse_u64(const char *text, guint64 max, guint64 *out)
{
	return g_ascii_string_to_unsigned(text, 10, 0, max, out, NULL);
}

GBytes *idisc_attr_parse(guint32 tag, const char *text, GError **error)
{
	const IDiscAttrInfo *info = idisc_attr_lookup(tag);
	guint8 buf[16];
	guint64 v;
	if (!info) {
		g_set_error(error, IDISC_ERROR, IDISC_ERROR_INVALID, "unknown iSNS attribute tag %u", tag);
		return NULL;
	}
	switch (info->type) {
	case IDISC_ATTR_STRING: {
		gsize slen = strlen(text);
		if (slen == 0 || slen > info->max_len || !g_utf8_validate(text, -1, NULL)) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_INVALID, "%s: bad string value", info->name);
			return NULL;
		}
		gsize padded = (slen + 4) & ~(gsize) 3;
		guint8 *p = g_malloc0(padded);
		memcpy(p, text, slen);
		return g_bytes_new_take(p, padded);
	}
	case IDISC_ATTR_U32:
		if (!parse_u64(text, G_MAXUINT32, &v))
			break;
		iproto_put_be32(buf, (guint32) v);
		return g_bytes_new(buf, 4);
	case IDISC_ATTR_U64:
		if (!parse_u64(text, G_MAXUINT64, &v))
			break;
		iproto_put_be64(buf, v);
		return g_bytes_new(buf, 8);
	case IDISC_ATTR_ADDR:
		if (!idisc_addr_parse(text, buf))
			break;
		return g_bytes_new(buf, 16);
	case IDISC_ATTR_PORT: {
		g_autofree char *num = g_strdup(text);
		char *slash = strchr(num, '/');
		guint32 udp = 0;
		if (slash) {
			*slash++ = 0;
			if (g_ascii_strcasecmp(slash, "udp") == 0)
				udp = IDISC_PORT_UDP;
			else if (g_ascii_strcasecmp(slash, "tcp") != 0)
				break;
		}
		if (!parse_u64(num, 65535, &v))
			break;
		iproto_put_be32(buf, (guint32) v | udp);
		return g_bytes_new(buf, 4);
	}
	case IDISC_ATTR_OPAQUE: {
		if (!g_str_has_prefix(text, "0x") || strlen(text) % 2 != 0)
			break;
		gsize n = (strlen(text) - 2) / 2;
		if (n > info->max_len)
			break;
		guint8 *p = g_malloc0((n + 3) & ~(gsize) 3);
		for (gsize i = 0; i < n; i++) {
			int hi = g_ascii_xdigit_value(text[2 + 2 * i]);
			int lo = g_ascii_xdigit_value(text[3 + 2 * i]);
			if (hi < 0 || lo < 0) {
				g_free(p);
				goto bad;
			}
			p[i] = (guint8) (hi << 4 | lo);
		}
		return g_bytes_new_take(p, (n + 3) & ~(gsize) 3);
	}
	}
bad:
	g_set_error(error, IDISC_ERROR, IDISC_ERROR_INVALID, "%s: bad value '%s'", info->name, text);
	return NULL;
}
