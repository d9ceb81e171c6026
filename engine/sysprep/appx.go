package sysprep

import (
	"sort"
	"strings"
)

// FamilyName turns a package full name (Name_Version_Architecture_
// ResourceId_PublisherId, as Get-AppxPackage and
// Get-AppxProvisionedPackage give it) into its family name
// (Name_PublisherId), which is what "provisioned for all users" is
// decided on: a provisioned bundle (…_neutral_~_8wekyb3d8bbwe) covers the
// x64 package a user has. A name that is not a full name is returned as
// it is.
func FamilyName(full string) string {
	parts := strings.Split(full, "_")
	if len(parts) != 5 {
		return full
	}
	return parts[0] + "_" + parts[4]
}

// InstalledPackage is one line of Get-AppxPackage -AllUsers (with the
// users it is installed for).
type InstalledPackage struct {
	FullName  string   // PackageFullName
	Users     []string // PackageUserInformation user names
	Framework bool     // IsFramework: never provisioned on its own
	System    bool     // SignatureKind System: part of Windows
}

// UserOnly returns the packages installed for a user but not provisioned
// for all users — the ones that make sysprep /generalize fail — from what
// Get-AppxPackage -AllUsers and Get-AppxProvisionedPackage -Online report.
// Frameworks and Windows' own packages are not counted.
func UserOnly(installed []InstalledPackage, provisioned []string) []AppxPackage {
	prov := map[string]bool{}
	for _, p := range provisioned {
		prov[strings.ToLower(FamilyName(p))] = true
	}
	var out []AppxPackage
	for _, p := range installed {
		if p.Framework || p.System || prov[strings.ToLower(FamilyName(p.FullName))] {
			continue
		}
		if len(p.Users) == 0 {
			out = append(out, AppxPackage{FullName: p.FullName})
			continue
		}
		for _, u := range p.Users {
			out = append(out, AppxPackage{FullName: p.FullName, User: u})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].FullName != out[j].FullName {
			return out[i].FullName < out[j].FullName
		}
		return out[i].User < out[j].User
	})
	return out
}
