"""What the system says of a file it could not read or write, in the clerk's words: its own
text (`[Errno 13] Permission denied`) is English."""
from __future__ import annotations

import errno

_SAID = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在的磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出了磁盘配额",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ELOOP: "链接绕成了一个圈",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EIO: "磁盘读写出错（磁盘或 U 盘可能有故障）",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EEXIST: "已经有同名的文件",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENXIO: "这是一个设备，不是文件",
}


def said(exc: OSError) -> str:
    """Why `exc` happened, in Chinese; an OSError of booklet's own already says it so."""
    if exc.errno is None:
        return str(exc)
    return _SAID.get(exc.errno, f"系统错误（错误号 {exc.errno}）")
