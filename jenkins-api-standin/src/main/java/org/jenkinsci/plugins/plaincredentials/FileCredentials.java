package org.jenkinsci.plugins.plaincredentials;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.IOException;
import java.io.InputStream;

/** Stand-in of plain-credentials' {@code FileCredentials} (a Secret file). */
public interface FileCredentials extends StandardCredentials {
    /** The intended file name, without path separators. */
    @NonNull String getFileName();

    /** The content of the secret file. */
    @NonNull InputStream getContent() throws IOException;
}
