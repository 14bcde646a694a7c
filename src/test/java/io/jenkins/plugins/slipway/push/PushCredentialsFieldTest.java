package io.jenkins.plugins.slipway.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.slipway.config.CredentialLookup;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.TestCredentials;
import io.jenkins.plugins.slipway.testing.TestFolder;
import io.jenkins.plugins.slipway.testing.TestJob;
import io.jenkins.plugins.slipway.testing.TestRun;
import io.jenkins.plugins.slipway.testing.TestUser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code credentialsId} drop-down and check of {@code slipwayPush} in a job's Snippet Generator: what a
 * build of that job can use, nothing else, and nothing at all to users who may not see the job's configuration.
 */
class PushCredentialsFieldTest {
    private final SlipwayPushStep.DescriptorImpl descriptor = new SlipwayPushStep.DescriptorImpl();
    private TestFolder shop;
    private TestJob web;

    @BeforeEach
    void credentials() {
        StandIn.reset();
        shop = new TestFolder("shop");
        TestFolder billing = new TestFolder("billing");
        web = new TestJob(shop, "web");
        TestCredentials.usernamePassword("registry-bot", "ci", "global-secret");
        TestCredentials.secretText("runner-token", "t0k3n");
        TestCredentials.usernamePassword(shop, "shop-registry", "shop-ci", "shop-secret");
        TestCredentials.usernamePassword(billing, "billing-registry", "billing-ci", "billing-secret");
        TestCredentials.usernamePasswordOfUser("alice", "alice-registry", "alice", "alice-secret");
    }

    @Test
    void listsTheEmptyValueThenTheUsernamePasswordCredentialsOfTheJobsFolderAndTheGlobalStore() {
        ListBoxModel items = descriptor.doFillCredentialsIdItems(web, "");

        // Not the Secret text, not another folder's, not a user's own store (builds run as SYSTEM).
        assertThat(items).extracting(o -> o.value).containsExactly("", "registry-bot", "shop-registry");
        assertThat(items.get(0).name).isEqualTo("- none -");
    }

    @Test
    void aJobAtTheRootDoesNotSeeAFoldersCredentials() {
        ListBoxModel items = descriptor.doFillCredentialsIdItems(new TestJob("tools"), null);

        assertThat(items).extracting(o -> o.value).containsExactly("", "registry-bot");
    }

    @Test
    void theCurrentValueIsKeptEvenWhenNoLongerAvailableSoSavingTheFormDoesNotChangeIt() {
        ListBoxModel gone = descriptor.doFillCredentialsIdItems(web, "deleted-bot");
        assertThat(gone).extracting(o -> o.value).containsExactly("", "deleted-bot", "registry-bot", "shop-registry");
        assertThat(gone.get(1).name).isEqualTo("- current -");

        ListBoxModel listed = descriptor.doFillCredentialsIdItems(web, "shop-registry");
        assertThat(listed).extracting(o -> o.value).containsExactly("", "registry-bot", "shop-registry");
    }

    @Test
    void extendedReadOrUseItemOnTheJobIsEnoughAdministerIsNotNeeded() {
        StandIn.deny("Overall/Administer", true);
        StandIn.deny("Job/ExtendedRead", true);
        assertThat(descriptor.doFillCredentialsIdItems(web, "")).extracting(o -> o.value)
                .containsExactly("", "registry-bot", "shop-registry");

        StandIn.deny("Job/ExtendedRead", false);
        StandIn.deny("Credentials/UseItem", true);
        assertThat(descriptor.doFillCredentialsIdItems(web, "")).extracting(o -> o.value)
                .containsExactly("", "registry-bot", "shop-registry");
    }

    @Test
    void withoutPermissionOnTheJobOnlyTheCurrentValueComesBack() {
        StandIn.deny("Job/ExtendedRead", true);
        StandIn.deny("Credentials/UseItem", true);

        assertThat(descriptor.doFillCredentialsIdItems(web, "shop-registry")).extracting(o -> o.value)
                .containsExactly("shop-registry");
        assertThat(descriptor.doFillCredentialsIdItems(web, null)).extracting(o -> o.value).containsExactly("");
        // The check says nothing either: not even whether an id exists.
        assertThat(descriptor.doCheckCredentialsId(web, "no-such-id").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(descriptor.doCheckCredentialsId(web, "no-such-id").getMessage()).isNull();
    }

    @Test
    void outsideAJobTheRootsCredentialsAreListedToAdministratorsOnly() {
        assertThat(descriptor.doFillCredentialsIdItems(null, "")).extracting(o -> o.value)
                .containsExactly("", "registry-bot");

        StandIn.deny("Overall/Administer", true);
        assertThat(descriptor.doFillCredentialsIdItems(null, "registry-bot")).extracting(o -> o.value)
                .containsExactly("registry-bot");
        assertThat(descriptor.doCheckCredentialsId(null, "no-such-id").kind).isEqualTo(FormValidation.Kind.OK);
    }

    @Test
    void listsWhatTheJobsBuildsCanUseAsTheUserTheyRunAs() {
        TestJob asAlice = new TestJob(shop, "release").runAs(TestUser.named("alice"));

        assertThat(descriptor.doFillCredentialsIdItems(asAlice, "")).extracting(o -> o.value)
                .containsExactly("", "alice-registry", "registry-bot", "shop-registry");
        assertThat(descriptor.doCheckCredentialsId(asAlice, "alice-registry").kind).isEqualTo(FormValidation.Kind.OK);
        // A job whose builds run as SYSTEM cannot use alice's own credential, whoever looks at its form.
        assertThat(descriptor.doCheckCredentialsId(web, "alice-registry").kind).isEqualTo(FormValidation.Kind.WARNING);
    }

    @Test
    void checkWarnsWhenTheJobCannotUseTheIdAndNamesOnlyTheIdAndTheKind() {
        assertThat(descriptor.doCheckCredentialsId(web, "").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(descriptor.doCheckCredentialsId(web, "shop-registry").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(descriptor.doCheckCredentialsId(web, " registry-bot ").kind).isEqualTo(FormValidation.Kind.OK);

        FormValidation missing = descriptor.doCheckCredentialsId(web, "billing-registry");
        assertThat(missing.kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(missing.getMessage()).isEqualTo("No Username with password credential with ID 'billing-registry'"
                + " is available to this job. Check Manage Jenkins > Credentials.");

        FormValidation wrongKind = descriptor.doCheckCredentialsId(web, "runner-token");
        assertThat(wrongKind.kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(wrongKind.getMessage()).contains("'runner-token'").doesNotContain("t0k3n");
    }

    @Test
    void aCredentialsParameterIsResolvedWhenTheBuildRunsNotInTheForm() {
        FormValidation v = descriptor.doCheckCredentialsId(web, "${REGISTRY_CREDENTIALS}");
        assertThat(v.kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(v.getMessage()).contains("${REGISTRY_CREDENTIALS}").contains("when the build runs");
    }

    @Test
    void whatTheCheckAcceptsIsWhatABuildOfTheJobFinds() throws IOException {
        TestRun build = new TestRun(web);
        List<String> accepted = new ArrayList<>();
        for (String id : List.of("registry-bot", "shop-registry", "billing-registry", "alice-registry", "runner-token")) {
            if (descriptor.doCheckCredentialsId(web, id).kind == FormValidation.Kind.OK) {
                accepted.add(id);
                assertThat(CredentialLookup.registryLogin("registry.example", id, build).credentialsId()).isEqualTo(id);
            } else {
                assertThatThrownBy(() -> CredentialLookup.registryLogin("registry.example", id, build))
                        .as(id).isInstanceOf(AbortException.class).hasMessageContaining("'" + id + "'");
            }
        }
        assertThat(accepted).containsExactly("registry-bot", "shop-registry");
        // And the drop-down offers exactly those.
        assertThat(descriptor.doFillCredentialsIdItems(web, "")).extracting(o -> o.value)
                .containsExactly("", "registry-bot", "shop-registry");
    }
}
