// What Swift's Glibc module leaves out, wrapped the way swift-nio's C shims are.
#ifndef DAILIES_C_SYSTEM_SHIMS_H
#define DAILIES_C_SYSTEM_SHIMS_H

/// The magic number of the filesystem holding `path` (statfs(2)'s f_type), in `magic`.
/// Returns 0, or -1 with errno set.
int dailies_filesystem_magic(const char *path, long long *magic);

#endif
