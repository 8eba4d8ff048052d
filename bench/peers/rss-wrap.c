/* rss-wrap: runs a command and, once it has exited, prints one JSON line with its peak resident set
 * (getrusage ru_maxrss, the kernel's high-water mark, the same figure as /proc/<pid>/status VmHWM
 * but read after the exit, so a short-lived process is not missed) and its CPU time.
 * The child is fork()ed from this tiny program (not vfork()ed from a big one), so the pre-exec
 * image that the kernel also counts in ru_maxrss is well under 1 MiB.
 * Usage: rss-wrap COMMAND [ARG...]; exit status is the command's (128+signal if killed). */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: rss-wrap COMMAND [ARG...]\n");
        return 2;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("rss-wrap: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror("rss-wrap: execvp");
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("rss-wrap: wait4");
            return 2;
        }
    }
    printf("{\"event\":\"rusage\",\"maxrss_kib\":%ld,\"utime_s\":%.3f,\"stime_s\":%.3f}\n", ru.ru_maxrss,
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
    fflush(stdout);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}
