#include "CSystemShims.h"

#if defined(__linux__)
#include <sys/vfs.h>
#include <errno.h>

int dailies_filesystem_magic(const char *path, long long *magic) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    *magic = (long long)info.f_type;
    return 0;
}
#else
#include <errno.h>

int dailies_filesystem_magic(const char *path, long long *magic) {
    (void)path;
    (void)magic;
    errno = ENOSYS;
    return -1;
}
#endif
