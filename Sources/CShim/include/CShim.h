#ifndef CSHIM_H
#define CSHIM_H
/* What Glibc does not export to Swift. Keep this file small: every function is a one-line forward. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>

#endif
