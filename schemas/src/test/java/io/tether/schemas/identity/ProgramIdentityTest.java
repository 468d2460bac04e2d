package io.tether.schemas.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramIdentityTest {
    private static final String JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";

    @Test
    void aPlainExecutableIsItsPath() {
        assertEquals("/usr/sbin/nginx", ProgramIdentity.of("/usr/sbin/nginx", List.of("nginx", "-g", "daemon off;"), "/"));
        assertEquals("/usr/bin/true", ProgramIdentity.of("/usr/bin/true", List.of("true"), null));
    }

    @Test
    void anInterpreterIsTheExecutablePlusItsScript() {
        assertEquals("/usr/bin/python3 /srv/app.py",
            ProgramIdentity.of("/usr/bin/python3", List.of("python3", "-u", "app.py"), "/srv"));
        assertEquals("/usr/bin/python3 -m http.server",
            ProgramIdentity.of("/usr/bin/python3", List.of("python3", "-m", "http.server", "8000"), "/"));
        assertEquals("/usr/bin/bash", ProgramIdentity.of("/usr/bin/bash", List.of("bash", "-c", "echo hi"), "/"));
        assertEquals("/usr/bin/dash /opt/job/run.sh",
            ProgramIdentity.of("/usr/bin/dash", List.of("sh", "../job/./run.sh"), "/opt/x"));
    }

    @Test
    void aJvmIsTheJarTheModuleOrTheMainClassItRuns() {
        assertEquals(JAVA + " /opt/app/app.jar",
            ProgramIdentity.of(JAVA, List.of("java", "-Xmx1g", "-jar", "app.jar", "--port", "1"), "/opt/app"));
        assertEquals(JAVA + " -m com.example.app/com.example.Main",
            ProgramIdentity.of(JAVA, List.of("java", "-p", "mods", "-m", "com.example.app/com.example.Main"), "/"));
        assertEquals(JAVA + " -m com.example.app",
            ProgramIdentity.of(JAVA, List.of("java", "--module=com.example.app"), "/"));
        // the common form: options, a class path, the main class, its arguments
        assertEquals(JAVA + " kafka.Kafka", ProgramIdentity.of(JAVA, List.of("java", "-Xmx1G", "-server",
            "-Dlog4j.configuration=file:x", "-cp", "/opt/kafka/libs/*", "kafka.Kafka", "server.properties"), "/"));
        assertEquals(JAVA + " org.example.Main", ProgramIdentity.of(JAVA, List.of("java", "--class-path", "a.jar:b.jar",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", "@argfile", "org.example.Main"), "/"));
        // two services on one JVM binary are two APs
        assertEquals(JAVA + " org.example.Other",
            ProgramIdentity.of(JAVA, List.of("java", "-classpath", "x", "org.example.Other"), "/"));
        // nothing to run (java -version): the executable alone
        assertEquals(JAVA, ProgramIdentity.of(JAVA, List.of("java", "-version"), "/"));
    }
}
