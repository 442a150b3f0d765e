package io.respool.testsupport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The child of {@link ChildJvmTest}: prints its arguments, {@code READY} and the variable {@code CHILD_VAR}, then
 * echoes each line of stdin as {@code ECHO <line>} (and {@code ERR <line>} on stderr) until {@code exit N} or
 * end of input.
 */
public final class ChildMain
{
    private ChildMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.out.println("ARGS " + String.join(",", args));
        System.out.println("VAR " + System.getenv("CHILD_VAR"));
        System.out.println("READY");
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null)
        {
            if (line.startsWith("exit "))
            {
                System.exit(Integer.parseInt(line.substring(5)));
            }
            System.out.println("ECHO " + line);
            System.out.flush();
            System.err.println("ERR " + line);
            System.err.flush();
        }
    }
}
