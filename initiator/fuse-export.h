/* The FUSE export of itn-initiatord: every LUN of every session as the file
 * MOUNT/<target-iqn>/lun<N>, sized from READ CAPACITY; read and write map
 * to SCSI READ/WRITE (16), fsync to SYNCHRONIZE CACHE, hole punching to
 * UNMAP where the LUN is thin provisioned (SBC-3 sec. 4.7). */
#pragma once
#include <glib.h>

#include "itni.h"

typedef struct ItndFuse ItndFuse;

/* Mount at dir (created if missing); the tree starts empty. */
ItndFuse *itnd_fuse_new(const char *dir, gboolean direct_io, GError **error);
/* Serve requests on a pool of threads until itnd_fuse_stop(). */
void itnd_fuse_start(ItndFuse *f);
/* Unmount and wait for the threads. */
void itnd_fuse_stop(ItndFuse *f);
void itnd_fuse_free(ItndFuse *f);

/* Publish one LUN (the session must outlive the entry). */
void itnd_fuse_add_lun(ItndFuse *f, const char *target, guint64 lun, ItniSession *s, const ItniCapacity *cap);
/* (target, lun, bytes, path) of every published LUN, as a D-Bus reply. */
GVariant *itnd_fuse_list(ItndFuse *f);
/* Remove every LUN of a session (before it is freed). */
void itnd_fuse_remove_session(ItndFuse *f, ItniSession *s);
