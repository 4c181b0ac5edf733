package device

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// commandPlist is the part of an MDM command a device reads (Apple: the command's RequestType decides the
// rest of Command's keys).
type commandPlist struct {
	CommandUUID string
	Command     struct {
		RequestType string
		Payload     []byte   // InstallProfile
		Identifier  string   // RemoveProfile
		Queries     []string // DeviceInformation
		ManagedOnly bool     // CertificateList, ProfileList
	}
}

// run executes one command and returns the result report to send back.
func (d *Device) run(cmd *commandPlist) map[string]any {
	rec := Command{UUID: cmd.CommandUUID, RequestType: cmd.Command.RequestType, At: time.Now()}
	report := d.channelKeys(map[string]any{"CommandUUID": cmd.CommandUUID, "Status": "Acknowledged"})
	override := ""
	if d.cfg.Answer != nil {
		override = d.cfg.Answer(cmd.Command.RequestType)
	}
	switch {
	case override == "NotNow":
		report["Status"] = "NotNow"
	case override == "Error":
		report["Status"] = "Error"
		report["ErrorChain"] = errorChain(12345, "MCInstallationErrorDomain", "The scenario asked this device to fail the command.")
		rec.Error = "scenario asked for Error"
	default:
		d.dispatch(cmd, report, &rec)
	}
	rec.Status = report["Status"].(string)
	d.mu.Lock()
	d.commands = append(d.commands, rec)
	d.mu.Unlock()
	d.t.Logf("device %s: %s %s (%s) -> %s %s", d.ID(), rec.RequestType, rec.UUID, rec.Identifier, rec.Status, rec.Error)
	return report
}

func (d *Device) dispatch(cmd *commandPlist, report map[string]any, rec *Command) {
	switch cmd.Command.RequestType {
	case "InstallProfile":
		identifier, err := d.installProfile(cmd.Command.Payload)
		rec.Identifier = identifier
		if err != nil {
			rec.Error = err.Error()
			report["Status"] = "Error"
			report["ErrorChain"] = errorChain(4001, "MCInstallationErrorDomain", "Profile installation failed. "+err.Error())
		}
	case "RemoveProfile":
		rec.Identifier = cmd.Command.Identifier
		d.mu.Lock()
		_, ok := d.profiles[cmd.Command.Identifier]
		delete(d.profiles, cmd.Command.Identifier) // the profile's identities go with it
		d.mu.Unlock()
		if !ok {
			// Apple: removing a profile that is not installed fails with MCProfileErrorDomain 1009.
			report["Status"] = "Error"
			report["ErrorChain"] = errorChain(1009, "MCProfileErrorDomain", "The profile “"+cmd.Command.Identifier+"” is not installed.")
			rec.Error = "not installed"
		}
	case "ProfileList":
		report["ProfileList"] = d.profileList()
	case "CertificateList":
		report["CertificateList"] = d.certificateList()
	case "DeclarativeManagement":
		// Apple: the device acknowledges, then synchronises its declarations with the server.
		d.mu.Lock()
		d.syncPending = true
		d.mu.Unlock()
	case "DeviceInformation":
		report["QueryResponses"] = d.queryResponses(cmd.Command.Queries)
		if d.cfg.UDID != "" {
			report["UDID"] = d.cfg.UDID
		}
	default:
		report["Status"] = "CommandFormatError"
		rec.Error = "unsupported request type"
	}
}

func errorChain(code int, domain, text string) []map[string]any {
	return []map[string]any{{
		"ErrorCode": code, "ErrorDomain": domain, "LocalizedDescription": text, "USEnglishDescription": text,
	}}
}

func (d *Device) profileList() []map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []map[string]any{}
	for _, p := range d.profiles {
		out = append(out, map[string]any{
			"PayloadIdentifier": p.Identifier, "PayloadUUID": p.UUID, "IsManaged": true,
			"PayloadVersion": 1, "IsEncrypted": false, "HasRemovalPasscode": false,
		})
	}
	return out
}

func (d *Device) certificateList() []map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []map[string]any{}
	for _, p := range d.profiles {
		for _, id := range p.Identities {
			out = append(out, map[string]any{"CommonName": id.Cert.Subject.CommonName, "Data": id.Cert.Raw, "IsIdentity": true})
		}
		for _, r := range p.Roots {
			out = append(out, map[string]any{"CommonName": r.Subject.CommonName, "Data": r.Raw, "IsIdentity": false})
		}
	}
	return out
}

func (d *Device) queryResponses(queries []string) map[string]any {
	all := map[string]any{
		"OSVersion": d.cfg.OSVersion, "BuildVersion": d.cfg.BuildVersion, "ProductName": d.cfg.ProductName,
		"ModelName": modelName(d.cfg.ProductName), "Model": d.cfg.ProductName, "DeviceName": d.cfg.DeviceName,
		"IsSupervised": false,
	}
	if d.cfg.Serial != "" {
		all["SerialNumber"] = d.cfg.Serial
		all["UDID"] = d.cfg.UDID
	} else {
		all["EnrollmentID"] = d.cfg.EnrollmentID
	}
	if len(queries) == 0 {
		return all
	}
	out := map[string]any{}
	for _, q := range queries {
		if v, ok := all[q]; ok {
			out[q] = v
		}
	}
	return out
}

// PseudoUDID makes a stable 25-character UDID-shaped value from a seed (the iPhone XS and later format).
func PseudoUDID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	return "0000" + h[:4] + "-" + h[4:20]
}
