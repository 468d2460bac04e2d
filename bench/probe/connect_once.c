/* The research's client: connects once to IP:PORT (default 127.0.0.1), sends a byte, exits.   connect_once PORT [IP] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        return 2;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (argc >= 3 && inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1) {
        return 2;
    }
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0 || write(s, "x", 1) != 1) {
        return 1;
    }
    close(s);
    return 0;
}
