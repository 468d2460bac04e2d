/* The research's server: accepts once on the listening socket it inherits as fd 3, reads a byte, exits. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    const int s = accept(3, (struct sockaddr *)&peer, &len);
    char c;
    if (s < 0 || read(s, &c, 1) != 1) {
        return 1;
    }
    close(s);
    return 0;
}
