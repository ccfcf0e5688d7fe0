#ifndef CSHIM_H
#define CSHIM_H
/* What Glibc does not export to Swift. Keep this file small: every function is a one-line forward. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>

/* accept4 is declared only under _GNU_SOURCE, which Swift's Glibc module is not built with. */
int cshim_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

#endif
