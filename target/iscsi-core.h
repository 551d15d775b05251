/* iscsi-core.h: the objects of the iSCSI engine and how they relate.
 *
 *   TgtEngine   (iscsi-engine.h) config, targets, sessions, workers, portals
 *   TgtTarget   one served target: its config copy and SCSI LUN table
 *   TgtSession  one iSCSI session (RFC 7143 sec. 4.4): ISID+TSIH, negotiated
 *               session parameters, CmdSN window, its connections
 *   TgtConn     one TCP connection, owned by one worker thread
 *   TgtTask     one SCSI command (or deferred PDU) in progress
 *
 * Threading: a TgtConn and its tasks are touched only by the connection's
 * worker thread.  A TgtSession may span connections on several workers
 * (MC/S), so its shared state (CmdSN window, connection list) is under
 * session->lock.  The engine tables are under engine->lock.  Lock order:
 * engine->lock before session->lock. */
#pragma once
#include <glib.h>

typedef struct TgtEngine TgtEngine;
typedef struct TgtTarget TgtTarget;
typedef struct TgtSession TgtSession;
typedef struct TgtConn TgtConn;
typedef struct TgtTask TgtTask;
typedef struct TgtLogin TgtLogin;
