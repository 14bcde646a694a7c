package hudson.plugins.git;

import java.io.Serializable;
import org.eclipse.jgit.lib.ObjectId;

/** Stand-in of the git plugin's {@code Revision}: a commit (branches left out). */
public class Revision implements Serializable, Cloneable {
    private static final long serialVersionUID = 1L;
    ObjectId sha1;

    public Revision(ObjectId sha1) {
        this.sha1 = sha1;
    }

    public ObjectId getSha1() {
        return sha1;
    }

    public String getSha1String() {
        return sha1 == null ? "" : sha1.name();
    }
}
