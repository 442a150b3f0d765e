package io.respool.cluster.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code cm_resource.json} read with CM's keys, defaults, ranges and instance numbering.
 */
class ClusterConfigTest
{
    @TempDir
    Path home;

    @Test
    void shouldReadCmResourceFileWithCmDefaultsAndIds()
    {
        final List<ResourceDefinition> r = ClusterConfig.parseResources(home, "{\"resources\": [" +
            "{\"name\": \"dms_res\", \"resources_type\": \"DN\", \"script\": \"/opt/bin/dms_contrl.sh\", " +
            "\"time_out\": 120, \"restart_times\": 5, \"instances\": [" +
            "{\"node_id\": 1, \"res_instance_id\": 0, \"res_args\": \"/data/dn1\"}, {\"node_id\": 2, \"res_instance_id\": 1}]}," +
            "{\"name\": \"dss\", \"resources_type\": \"APP\", \"script\": \"dss_contrl.sh\", \"instances\": [" +
            "{\"node_id\": 1, \"res_instance_id\": 0, \"res_args\": \"/dss_home /data/dn1\", \"ports\": [\"127.0.0.1:1611\", \"1612\"]}," +
            "{\"node_id\": 2, \"res_instance_id\": 1}]}]}");
        final ResourceDefinition dms = r.get(0);
        assertEquals(ResourceType.DN, dms.type());
        assertEquals(1, dms.checkIntervalS());
        assertEquals(120, dms.timeOutS());
        assertEquals(1, dms.restartDelayS());
        assertEquals(30, dms.abnormalTimeoutS());
        assertEquals(6001, dms.instances().get(0).cmInstanceId());
        assertEquals(6002, dms.instances().get(1).cmInstanceId());
        assertEquals(List.of("/data/dn1"), dms.instances().get(0).resArgs());
        final ResourceDefinition dss = r.get(1);
        assertEquals(-1, dss.restartTimes(), "CM's default: restart forever");
        assertEquals(20001, dss.instances().get(0).cmInstanceId());
        assertEquals(20002, dss.instances().get(1).cmInstanceId());
        assertEquals(home.resolve("dss_contrl.sh").toString(), dss.script());
        assertEquals(List.of(new PortUse("127.0.0.1", 1611), new PortUse("0.0.0.0", 1612)), dss.instances().get(0).ports());
    }

    @Test
    void shouldReadACommandInstancesCheckAndRefuseOneWithoutACommand()
    {
        final ResourceDefinition driver = ClusterConfig.parseResources(home, "{\"resources\": [" +
            "{\"name\": \"host_driver\", \"abnormal_timeout\": 3, \"instances\": [" +
            "{\"node_id\": 1, \"command\": [\"dmscmd\", \"host-driver\", \"/dev/shm/d\"], " +
            "\"check\": [\"dmscmd\", \"host-driver\", \"--check\", \"/dev/shm/d\"]}, " +
            "{\"node_id\": 2, \"command\": \"dmscmd host-driver /dev/shm/d\"}]}]}").get(0);
        assertEquals(3, driver.abnormalTimeoutS());
        assertEquals(List.of("dmscmd", "host-driver", "--check", "/dev/shm/d"), driver.instances().get(0).check());
        assertEquals(List.of(), driver.instances().get(1).check(), "no check: the process running is the check");
        assertEquals("an instance's check needs its command: file=cm_resource.json, resource=dss, node_id=1; a script " +
            "resource is checked by its script's -check",
            assertThrows(AgentConfigException.class, () -> ClusterConfig.parseResources(home, "{\"resources\": [" +
                "{\"name\": \"dss\", \"script\": \"x\", \"instances\": [{\"node_id\": 1, \"check\": \"y\"}]}]}"))
                .getMessage());
    }

    @Test
    void shouldNameTheKeyAndRangeOfABadValue()
    {
        assertEquals("out of range: key=restart_times, value=10000, range=-1..9999, in=cm_resource.json resource dss",
            assertThrows(AgentConfigException.class, () -> ClusterConfig.parseResources(home, "{\"resources\": [" +
                "{\"name\": \"dss\", \"script\": \"x\", \"restart_times\": 10000, \"instances\": []}]}")).getMessage());
        assertEquals("resource has neither a script nor a command: file=cm_resource.json, resource=dss, node_id=1, " +
            "give \"script\" or the instance's \"command\"",
            assertThrows(AgentConfigException.class, () -> ClusterConfig.parseResources(home, "{\"resources\": [" +
                "{\"name\": \"dss\", \"instances\": [{\"node_id\": 1}]}]}")).getMessage());
        assertEquals("cm_resource.json: bad JSON: expected ',' or '}' at offset 17 (line 1)",
            assertThrows(AgentConfigException.class, () -> ClusterConfig.parseResources(home,
                "{\"resources\": [] x")).getMessage());
    }

    @Test
    void shouldReadTheVotingDiskAndReportsServing() throws java.io.IOException
    {
        final String resources = "{\"resources\": [{\"name\": \"dms_res\", \"resources_type\": \"DN\", \"instances\": [" +
            "{\"node_id\": 1, \"command\": \"node\", \"reports_serving\": true}]}]}";
        java.nio.file.Files.writeString(home.resolve(ClusterConfig.RESOURCE_FILE), resources);
        java.nio.file.Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE),
            "{\"voting_disk\": \"vg/vol0\", \"nodes\": [{\"node_id\": 1}]}");
        final ClusterConfig entry = ClusterConfig.load(home);
        assertEquals(new VotingDisk(home.resolve("vg/vol0"), 1536 * 1024, 300), entry.votingDisk(),
            "the VG's entry volume: the area after the DSS system area");
        assertEquals(true, entry.resources().get(0).instances().get(0).reportsServing());
        java.nio.file.Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE),
            "{\"voting_disk\": {\"path\": \"/dev/vote\", \"base\": 0, \"heartbeat_gap_ms\": 500}, " +
                "\"nodes\": [{\"node_id\": 1}]}");
        assertEquals(new VotingDisk(Path.of("/dev/vote"), 0, 500), ClusterConfig.load(home).votingDisk());
        java.nio.file.Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE),
            "{\"voting_disk\": {\"path\": \"/dev/vote\", \"base\": 100}, \"nodes\": [{\"node_id\": 1}]}");
        assertEquals("out of range: key=base, value=100, expected a multiple of 4096, in=cm_cluster.json voting_disk",
            assertThrows(AgentConfigException.class, () -> ClusterConfig.load(home)).getMessage());
    }
}
