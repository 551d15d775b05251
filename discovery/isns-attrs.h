/* The iSNS attribute table (RFC 4171 sec. 6.1): for every tag its name,
 * value type, owning object and role.  Everything that validates, prints or
 * parses attribute values goes through this table. */
#pragma once
#include <glib.h>
#include "discovery/isns-proto.h"

typedef enum {
	IDISC_ATTR_STRING,   /* NUL-terminated UTF-8, padded (sec. 5.3) */
	IDISC_ATTR_U32,
	IDISC_ATTR_U64,
	IDISC_ATTR_ADDR,     /* 16 bytes, IPv4 mapped as ::ffff:a.b.c.d (sec. 6.3.1) */
	IDISC_ATTR_PORT,     /* u32: port in the low 16 bits, 0x10000 = UDP */
	IDISC_ATTR_OPAQUE,
} IDiscAttrType;

typedef enum {
	IDISC_OBJ_NONE,
	IDISC_OBJ_ENTITY,
	IDISC_OBJ_PORTAL,
	IDISC_OBJ_NODE,
	IDISC_OBJ_PG,
	IDISC_OBJ_DD,
	IDISC_OBJ_DDS,
	IDISC_OBJ_FC,        /* Fibre Channel objects: recognized, not implemented */
	IDISC_OBJ_COUNT,
} IDiscObjectType;

enum {
	IDISC_ATTR_F_KEY      = 1 << 0, /* part of the object's key (sec. 5.6.5.1) */
	IDISC_ATTR_F_READONLY = 1 << 1, /* index / next-index: server assigned */
	IDISC_ATTR_F_MEMBER   = 1 << 2, /* DD/DDS member: may repeat */
};

typedef struct {
	guint32 tag;
	const char *name;      /* short name for tools, XML and JSON */
	IDiscAttrType type;
	IDiscObjectType object;
	guint flags;
	guint32 max_len;       /* bound on the value length */
} IDiscAttrInfo;

const IDiscAttrInfo *idisc_attr_lookup(guint32 tag);
const IDiscAttrInfo *idisc_attr_lookup_name(const char *name);
/* All entries, for iteration (the count goes to *n). */
const IDiscAttrInfo *idisc_attr_table(gsize *n);

/* Object templates: the key tags of each object type in wire order, and
 * its index tag (0 if none).  Sec. 5.6.5.1 / 6.1. */
typedef struct {
	IDiscObjectType type;
	const char *name;
	guint32 keys[3];
	guint nkeys;
	guint32 index_tag;
	guint32 next_index_tag;
} IDiscObjectInfo;

const IDiscObjectInfo *idisc_object_info(IDiscObjectType type);

/* Does VALUE (LEN bytes) fit the attribute's type?  A zero-length value is
 * always fine (sec. 5.3: "any value" / "return this attribute"). */
gboolean idisc_attr_value_ok(const IDiscAttrInfo *info, const guint8 *value, guint32 len);

/* A value for people: strings as is, numbers in decimal, ports as
 * "3260/tcp", addresses as text (IPv4-mapped shown as IPv4). */
char *idisc_attr_format(guint32 tag, const guint8 *value, guint32 len);
/* The reverse of idisc_attr_format: the padded wire value. */
GBytes *idisc_attr_parse(guint32 tag, const char *text, GError **error);
