/* Device identity for the scan payload and hooks (contract §4): a stable
 * device_id, hostname, os, os_version, username and the WSL flag. */
#ifndef DISCOVER_DEVICE_H
#define DISCOVER_DEVICE_H

#include <stddef.h>

#include "util/err.h"

/* UUIDv5(DNS namespace, this name) is the namespace of hardware ids. */
#define DEVICE_NAMESPACE_NAME	"device-id.aiwatch.runlayer.com"
#define DEVICE_ID_FILE		"device_id"	/* under state_dir */
#define DEVICE_READ_MAX		4096u		/* cap on id files read */

struct device_info {
	char device_id[37];	/* lowercase canonical UUID text */
	char *hostname;
	char *os;		/* darwin | windows | linux | other lowercased uname */
	char *os_version;	/* kernel release (uname -r) */
	char *username;		/* NULL when nothing could be found */
	int is_wsl;
};

struct device_opts {
	const char *device_id;	/* --device-id */
	const char *username;	/* --username */
	const char *state_dir;	/* ~/.runlayer, for the device_id file; NULL = none */
	const char *root;	/* prefix for /etc/machine-id etc., "" or NULL = / */
	const char *os;		/* override darwin|windows|linux, NULL = uname */
	int no_write;		/* dry run: never create files */
};

/*
 * Fill info (caller-owned; release with device_info_release()).
 *
 * device_id, first that applies:
 *  1. opts->device_id, then $RUNLAYER_DEVICE_ID (empty values ignored):
 *     must be a canonical UUID (-ERR_INVALID otherwise), lowercased;
 *  2. the hardware id: the first non-empty (whitespace-trimmed) of
 *     $RUNLAYER_MACHINE_ID_PATH (absolute paths only, read on every OS),
 *     and on linux <root>/etc/machine-id and <root>/var/lib/dbus/machine-id;
 *     device_id = UUIDv5(UUIDv5(DNS, DEVICE_NAMESPACE_NAME), trimmed id).
 *     macOS IOPlatformUUID (ioreg) and the Windows MachineGuid registry
 *     value are not read by this build, so those systems use step 3;
 *  3. <state_dir>/device_id when it holds a UUID (trimmed, no symlinks);
 *  4. a new random UUIDv4, saved there (directory 0700, file 0600, atomic
 *     replace) unless opts->no_write or state_dir is NULL.
 * hostname: $RUNLAYER_HOSTNAME, else gethostname(). os: opts->os (must be
 * darwin, windows or linux: -ERR_INVALID otherwise), else uname sysname
 * lowercased. os_version: uname release. username: opts->username,
 * $RUNLAYER_USERNAME, the login name of the controlling terminal
 * (getlogin_r), $USER, $USERNAME, the name of the effective uid; on darwin
 * an automatic name that is empty, root, _mbsetupuser or loginwindow is
 * replaced by the owner of <root>/dev/console unless that is one of them
 * too. is_wsl (linux only): $WSL_DISTRO_NAME non-empty, or
 * <root>/proc/version contains "microsoft" in any case.
 *
 * Returns 0; -ERR_INVALID for a bad override (info is then empty); or
 * -ERR_IO when a new device_id could not be saved, in which case info is
 * still complete and usable (the id just will not persist).
 */
int device_identify(const struct device_opts *opts, struct device_info *info, struct err *e);

/* Free the strings of info and zero it; safe on a zeroed struct. */
void device_info_release(struct device_info *info);

/* The device_id for a raw hardware id (len bytes, trimmed here). Returns 0,
 * or -1 when nothing is left after trimming. */
int device_id_from_hardware(const char *raw, size_t len, char out[37]);

#endif
